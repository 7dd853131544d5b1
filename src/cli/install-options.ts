// Options and error mapping shared by install and uninstall.
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { isTargetName, TARGET_NAMES, type TargetName } from '../targets/registry.js';
import { usageError } from './errors.js';

export function placeOptions(yargs: Argv): Argv {
  return yargs
    .option('config', { alias: 'c', type: 'string', describe: 'config file: .json, .yaml/.yml, or package.json (key "initgen")' })
    .option('target', { alias: 't', type: 'string', describe: `${TARGET_NAMES.join('|')} (default: the detected init system)` })
    .option('root', { type: 'string', default: '/', coerce: (dir: string) => resolve(dir), describe: 'install into the system under DIR (tools run on its files, nothing is started)' })
    .option('scan-dir', { type: 'string', describe: 'runit/daemontools: the directory runsvdir/svscan watches, inside the root (default /etc/service)' })
    .option('dry-run', { alias: 'n', type: 'boolean', describe: 'print every file and command; change nothing' })
    .option('force', { type: 'boolean', describe: 'replace or remove files that initgen did not write' })
    .option('enable', { type: 'boolean', default: true, describe: 'run the tools that enable/disable the service (--no-enable for package builds)' });
}

export function targetOption(value: unknown): TargetName | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && isTargetName(value)) return value;
  throw usageError(`Invalid \`--target\`: expected one of ${TARGET_NAMES.join(', ')}; got \`${String(value)}\``);
}

export async function loadNormalized(file: string | undefined) {
  const { loadConfig } = await import('../config/load.js');
  const { validateConfig } = await import('../config/validate.js');
  const { normalize } = await import('../config/normalize.js');
  const loaded = await loadConfig(file);
  return normalize(await validateConfig(loaded.data, loaded.file));
}

export { err } from './output.js';
export const out = (line: string): void => void process.stdout.write(`${line}\n`);
