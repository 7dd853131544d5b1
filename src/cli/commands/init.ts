// initgen init (issue 16): a working config from a package.json — its `start` script
// (`node FILE ARGS...`) or its `main` — printed, or written to initgen.json with --write.
// Whether FILE calls init.simple() decides "program" (docs/unmodified.md).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { SERVICE_NAME_PATTERN } from '../../config/schema.js';
import type { InitgenConfig } from '../../config/types.js';
import { programKind } from '../../wrap/locate.js';
import { CliError, EXIT } from '../errors.js';
import type { Command } from './types.js';

const bad = (message: string): CliError => new CliError([`initgen init: ${message}`], EXIT.usage);

/** Words of `node FILE ARGS...`, or undefined when it needs a shell to mean anything. */
function startWords(start: string): string[] | undefined {
  const m = /^\s*node\s+(.*)$/.exec(start);
  if (!m || /["'`$\\|&;<>(){}*?~#\n]/.test(m[1]!)) return undefined;
  const words = m[1]!.trim().split(/\s+/);
  return words[0] === undefined || words[0].startsWith('-') ? undefined : words;
}

function configFromPackage(dir: string): InitgenConfig {
  const file = join(dir, 'package.json');
  let pkg: { name?: unknown; description?: unknown; main?: unknown; scripts?: { start?: unknown } };
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as typeof pkg;
  } catch (error) {
    throw bad(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message.split('\n')[0]}`);
  }
  if (pkg === null || typeof pkg !== 'object') throw bad(`${file}: not a JSON object`);
  const start = typeof pkg.scripts?.start === 'string' ? pkg.scripts.start : undefined;
  const words = start === undefined ? undefined : startWords(start);
  let script: string;
  let args: string[] = [];
  if (words) {
    script = resolve(dir, words[0]!);
    args = words.slice(1);
  } else if (typeof pkg.main === 'string') {
    script = resolve(dir, pkg.main);
  } else if (start !== undefined) {
    throw bad(`${file}: scripts.start is not \`node FILE ARGS...\` without shell syntax or node options, and there is no "main"`);
  } else {
    throw bad(`${file}: no scripts.start and no "main": nothing to run`);
  }
  if (!existsSync(script)) throw bad(`${script}: no such file (from ${file})`);
  const name = typeof pkg.name === 'string' ? pkg.name.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9_.@-]/g, '-') : '';
  if (!new RegExp(SERVICE_NAME_PATTERN).test(name)) throw bad(`${file}: "name" ${JSON.stringify(pkg.name)} cannot be a service name`);
  const program = programKind(readFileSync(script, 'utf8'));
  return {
    name,
    ...(typeof pkg.description === 'string' && pkg.description.trim() !== '' && { description: pkg.description.trim().split('\n')[0] }),
    script,
    ...(args.length > 0 && { args }),
    program,
    // npm start runs the program in the package's directory: so does the service
    ...(program === 'plain' && { cwd: resolve(dir) }),
  };
}

export const initCommand: Command = {
  command: 'init',
  describe: 'Print a config for the package in DIR (its start script or main); --write saves it as initgen.json',
  builder: (yargs: Argv) =>
    yargs
      .option('dir', { type: 'string', default: '.', describe: 'the package directory' })
      .option('write', { type: 'boolean', describe: 'write DIR/initgen.json (never over an existing file)' }),
  async run(argv) {
    const { dir, write } = argv as { dir: string; write?: boolean };
    const text = `${JSON.stringify(configFromPackage(resolve(dir)), null, 2)}\n`;
    if (!write) {
      process.stdout.write(text);
      return EXIT.ok;
    }
    const out = join(resolve(dir), 'initgen.json');
    try {
      // wx: O_CREAT|O_EXCL, so neither an existing file nor a planted link is followed
      writeFileSync(out, text, { flag: 'wx', mode: 0o644 });
    } catch (error) {
      throw new CliError([`initgen init: ${out}: ${(error as NodeJS.ErrnoException).code === 'EEXIST' ? 'already exists' : (error as Error).message}`], EXIT.failure);
    }
    return EXIT.ok;
  },
};
