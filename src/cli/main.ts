// initgen's entry point: parse the command line, run one command, return its exit code.
// Usage errors and invalid configs exit 2, failures 1; never a stack trace.
import { readFileSync } from 'node:fs';
import { COMMANDS } from './commands/index.js';
import { EXIT, failureReport, usageError, type ExitCode } from './errors.js';
import { err as errorLine } from './output.js';

export async function main(args?: string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  try {
    const { default: yargs } = await import('yargs');
    // what yargs/helpers' hideBin returns under node, without loading that module on every run
    const argv = args ?? process.argv.slice(2);
    let cli = yargs(argv)
      .scriptName('initgen')
      .version(version())
      .help()
      .alias('h', 'help')
      .strict()
      .exitProcess(false)
      .wrap(null)
      .fail((message, err) => {
        throw err ?? usageError(message.split('\n')[0] ?? 'invalid arguments');
      });
    for (const c of COMMANDS) {
      cli = cli.command({
        command: c.command,
        describe: c.describe,
        builder: c.builder ?? ((y) => y),
        handler: async (parsed) => {
          code = await c.run(parsed);
        },
      });
    }
    await cli.parseAsync();
  } catch (err) {
    const { lines, code: failed } = failureReport(err);
    for (const line of lines) errorLine(line);
    return failed;
  }
  return code;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
