// Shared by the runit, daemontools and launchd tests: render a target into a scratch
// directory, run a format check from test/formats/, poll for conditions, and start
// and stop the real supervisors (runsv, svscan) over a service directory.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalize } from '../../dist/config/normalize.js';
import { renderWarning } from '../../dist/generate.js';
import { renderTemplate } from '../../dist/render/template.js';
import { runFormatCheck } from '../helpers/formats.js';
import { waitFor } from '../helpers/service.js';

/** Skip reasons of the format checks (test/formats/): CANNOT.runit, CANNOT.runitRun, ... */
export { CANNOT } from '../helpers/formats.js';
export const FIXTURE = fileURLToPath(new URL('../fixtures/supervise-app.js', import.meta.url));
const LIBRARY = new URL('../../dist/index.js', import.meta.url);
export const NOT_ROOT = process.getuid() !== 0 && 'needs root: the supervisor starts the service as root';
export const NO_LIBRARY = !existsSync(LIBRARY) && 'the library (dist/index.js) is not built: the fixture imports it';

/** A target's render() with the real templates; warnings (as initgen gives them) are collected, not printed. */
export async function render(targetName, config) {
  const { target } = await import(`../../dist/targets/${targetName}.js`);
  const warnings = [];
  const ctx = {
    template: (file, view) => renderTemplate(targetName, file, view),
    warn: (field, message) => warnings.push({ field, message }),
  };
  const normalized = config.given ? config : normalize(config, '/usr/bin/node');
  return { files: renderWarning(target, normalized, ctx), warnings };
}

export function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `initgen-${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** Write rendered files under `dir` by their outPath, with their modes. */
export function writeFiles(dir, files) {
  for (const file of files) {
    const path = join(dir, file.outPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    chmodSync(path, file.mode);
  }
}

/** The format check of test/formats/ for a target: { status, output }. */
export function validate(kind, ...args) {
  return runFormatCheck(kind, ...args);
}

/** The one polling helper of the tests (test/helpers/service.js): waitFor(condition, what, timeoutMs). */
export { waitFor };

export function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}

export function readRecord(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

/** Arguments and environment values that break naive quoting in sh and XML. */
export const HOSTILE_ARGS = [
  'hello world', "it's", 'say "hi"', '$HOME', '${PATH}', '`id`', '$(id)', 'back\\slash', 'ends\\',
  'line1\nline2', 'trailing newline\n', 'tab\there', 'cr\rlf', 'a&b', '<tag>', 'a;b|c > /tmp/x', '*', '~',
  '100% %n', 'ünïcødé ✓ 日本', '', ' ', '--', '-x', "'", '\\\'',
];
export const HOSTILE_ENV = {
  GREETING: 'hello "world" & \'friends\' $USER `id` \\ <x>',
  MULTILINE: 'one\ntwo\n',
  UNICODE: 'ünïcødé ✓',
  EMPTY: '',
  LEADING: '  leading spaces and #hash',
};

/**
 * The runtime half shared by runit and daemontools: start the rendered service dir
 * under the real supervisor, wait for the fixture's record, stop everything by pid.
 * supervisor: { up(svcDir) -> ChildProcess, down(svcDir, child) -> Promise }
 */
export async function superviseOnce(targetName, supervisor, config, { upAlso, env } = {}) {
  const root = scratch(targetName);
  const recordDir = join(root, 'record');
  mkdirSync(recordDir, { mode: 0o777 });
  chmodSync(recordDir, 0o777);
  const record = join(recordDir, 'seen.json');
  const full = { ...config, env: { ...config.env, SUPERVISE_RECORD: record } };
  const { files, warnings } = await render(targetName, full);
  const svcRoot = join(root, 'sv');
  writeFiles(svcRoot, files);
  const svc = join(svcRoot, config.name);
  const child = supervisor.up(svc, { env });
  let seen;
  try {
    seen = await waitFor(() => readRecord(record), `${targetName}: the service to write ${record}`, 20_000);
    if (upAlso) await upAlso(svc, seen);
  } finally {
    await supervisor.down(svc, child);
    if (seen && alive(seen.pid)) process.kill(seen.pid, 'SIGKILL');
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  return { seen, warnings, root, svc };
}

export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', resolve));
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const supervised = (dir) => spawnSync('svok', [dir]).status === 0;

/** runit's supervisor over one service directory. */
export const runsv = {
  up: (svc, { env = {}, stderr = 'ignore' } = {}) => spawn('runsv', [svc], { stdio: ['ignore', 'ignore', stderr], env: { PATH, ...env } }),
  async down(svc, child) {
    // runsv creates supervise/control only once it runs: wait for it before talking to it
    await waitFor(() => spawnSync('sv', ['status', svc]).status === 0, 'runsv to be ready', 10000).catch(() => {});
    spawnSync('sv', ['-w', '7', 'down', svc]);
    spawnSync('sv', ['exit', svc]);
    await Promise.race([exited(child), waitFor(() => child.exitCode !== null, 'runsv to exit', 10000).catch(() => {})]);
  },
};

/** daemontools over the directory holding SVC: svscan, not supervise alone, since only svscan pipes ./run into ./log/run. */
export const svscan = {
  up: (svc, { env = {}, stderr = 'ignore' } = {}) =>
    spawn('svscan', [dirname(svc)], { cwd: dirname(svc), stdio: ['ignore', 'ignore', stderr], env: { PATH, ...env } }),
  async down(svc, child) {
    spawnSync('svc', ['-dx', svc]);
    spawnSync('svc', ['-dx', `${svc}/log`]);
    await waitFor(() => !supervised(svc) && !supervised(`${svc}/log`), 'supervise to exit', 10000).catch(() => {});
    if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    await exited(child);
  },
};
