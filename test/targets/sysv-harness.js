// Shared by the sysv and openrc tests: render a config with one target, run the
// validators, and find the fixture's processes so each test can end them by pid.
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalize } from '../../dist/config/normalize.js';
import { renderWarning } from '../../dist/generate.js';
import { renderTemplate } from '../../dist/render/template.js';
import { runFormatCheck } from '../helpers/formats.js';

/** Skip reasons of the format checks (test/formats/): CANNOT.sysv, CANNOT.sysvRun, CANNOT.openrc, ... */
export { CANNOT } from '../helpers/formats.js';
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const APP = join(REPO, 'test/fixtures/sysv-app.js');
export const HELLO = join(REPO, 'examples/hello/app.js');
export const LIBRARY_MISSING =
  (!existsSync(join(REPO, 'dist/index.js')) && 'the library (dist/index.js) is not built yet') ||
  (!existsSync(HELLO) && 'examples/hello/app.js is not written yet');
export const NOT_ROOT = process.getuid() !== 0 && 'needs root: the script runs as init would run it';

/** Render with the given target module, warnings as initgen gives them; returns { files, warnings }. */
export function render(target, config, nodePath = '/usr/bin/node') {
  const warnings = [];
  const normalized = 'given' in config ? config : normalize(config, nodePath);
  const files = renderWarning(target, normalized, {
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

/** The format check of test/formats/ on one file: { code, output }. */
export function validate(kind, file, flags = []) {
  const { status, output } = runFormatCheck(kind, ...flags, file);
  return { code: status, output };
}

/** The FAIL lines of a validator's output. */
export function failures(output) {
  return output.split('\n').filter((line) => line.includes(': FAIL: '));
}

export { killAllWith } from '../helpers/daemons.js';
