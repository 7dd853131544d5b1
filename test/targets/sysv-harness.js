// Shared by the sysv and openrc tests: render a config with one target, run the
// validators, and find the fixture's processes so each test can end them by pid.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalize } from '../../dist/config/normalize.js';
import { renderTemplate } from '../../dist/render/template.js';

export const VALIDATE = fileURLToPath(new URL('../../../shared/validate/', import.meta.url));
export const NO_VALIDATORS = !existsSync(VALIDATE) && 'validators not found at ../shared/validate relative to the repository';
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const APP = join(REPO, 'test/fixtures/sysv-app.js');
export const HELLO = join(REPO, 'examples/hello/app.js');
export const LIBRARY_MISSING =
  (!existsSync(join(REPO, 'dist/index.js')) && 'the library (dist/index.js) is not built yet') ||
  (!existsSync(HELLO) && 'examples/hello/app.js is not written yet');
export const NOT_ROOT = process.getuid() !== 0 && 'needs root: the validators run the script as init would';

/** Render with the given target module; returns { files, warnings }. */
export function render(target, config, nodePath = '/usr/bin/node') {
  const warnings = [];
  const normalized = 'given' in config ? config : normalize(config, nodePath);
  const files = target.render(normalized, {
    template: (file, view) => renderTemplate(target.name, file, view),
    warn: (field, message) => warnings.push(`${field}: ${message}`),
  });
  return { files, warnings };
}

/** Write the single rendered file into dir as an executable; returns its path. */
export function writeScript(target, config, dir, name = undefined) {
  const { files } = render(target, config, process.execPath);
  const path = join(dir, name ?? files[0].outPath);
  writeFileSync(path, files[0].content);
  chmodSync(path, 0o755);
  return path;
}

export function validate(kind, file, flags = []) {
  const run = spawnSync('bash', [join(VALIDATE, `${kind}.sh`), ...flags, file], { encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The FAIL lines of a validator's output. */
export function failures(output) {
  return output.split('\n').filter((line) => line.includes(': FAIL: '));
}

export { killAllWith } from '../helpers/daemons.js';
