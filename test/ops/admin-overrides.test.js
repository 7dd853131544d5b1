// Issue 14, admin overrides under D2: the generated SysV script reads /etc/default/NAME
// (or /etc/sysconfig/NAME) only when it is root's, and node gets exactly the variables
// it assigns on top of the config's env, across the switch to the service user; the
// caller's environment still never reaches node. A unique service name per run: the
// override file is /etc/default/initgen-ops-PID, removed afterwards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAlive, killHard, waitFor } from '../helpers/service.js';
import { APP, isRoot, run } from './lib.js';

const CLI = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const NOBODY = 65534;
const skip =
  (!isRoot && 'needs root: the override file is /etc/default/NAME, root\'s') ||
  (!existsSync('/etc/default') && 'needs /etc/default (a Debian layout)') ||
  false;

const PLAIN = fileURLToPath(new URL('./plain.cjs', import.meta.url));

function generated(t, { user, plain } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'initgen-ops-defaults-'));
  chmodSync(work, 0o755);
  const name = `initgen-ops-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const record = join(work, 'record');
  writeFileSync(record, '', { mode: 0o666 });
  chmodSync(record, 0o666); // the daemon may run as nobody
  const config = {
    name,
    script: plain ? PLAIN : APP,
    ...(plain && { program: 'plain' }),
    node: process.execPath,
    pidfile: join(work, 'run', `${name}.pid`),
    logfile: join(work, 'log', `${name}.log`),
    env: { OPS_RECORD: record, OPS_RECORD_ENV: '1', FROM_CONFIG: 'config', BOTH: 'config' },
    ...(user && { user, group: 'nogroup' }),
  };
  writeFileSync(join(work, 'initgen.json'), JSON.stringify(config));
  const out = join(work, 'out');
  const r = spawnSync(process.execPath, [CLI, '--target', 'sysv', '--config', join(work, 'initgen.json'), '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const defaults = `/etc/default/${name}`;
  const box = {
    name,
    defaults,
    script: join(out, name),
    action: (action, env = {}) => run('sh', [join(out, name), action], { env: { PATH: process.env.PATH, ...env } }),
    runs: () => readFileSync(record, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    pid: () => (existsSync(config.pidfile) ? Number(readFileSync(config.pidfile, 'utf8')) : undefined),
  };
  after(() => {
    const pid = box.pid();
    if (pid && isAlive(pid)) killHard(pid);
    rmSync(defaults, { force: true });
    rmSync(work, { recursive: true, force: true });
  });
  return box;
}

for (const [user, plain] of [[undefined, false], ['nobody', false], [undefined, true]]) {
  const how = [user && 'switched to nobody', plain && 'an unmodified program: node options before the script'].filter(Boolean).join(', ');
  test(`SysV: /etc/default/NAME's variables reach node on top of the config's env, the caller's do not${how ? ` (${how})` : ''}`, { skip }, async (t) => {
    const box = generated(t, { user, plain });
    writeFileSync(box.defaults, '# admin overrides\nFROM_DEFAULTS="set by the admin"\nexport BOTH=defaults\n', { mode: 0o644 });
    const start = await box.action('start', { NODE_OPTIONS: '--no-warnings', CALLER_SECRET: 'x', INITGEN_DAEMON: '1' });
    assert.equal(start.code, 0, start.stdout + start.stderr);
    await waitFor(() => box.runs().length === 1, 'the daemon to record its environment');
    const [{ env, uid }] = box.runs();
    assert.equal(uid, user ? NOBODY : 0);
    assert.equal(env.FROM_DEFAULTS, 'set by the admin');
    assert.equal(env.BOTH, 'defaults', 'the admin file wins over the config');
    assert.equal(env.FROM_CONFIG, 'config');
    for (const name of ['NODE_OPTIONS', 'CALLER_SECRET', 'INITGEN_DAEMON']) assert.equal(env[name], undefined, name);
    assert.equal((await box.action('stop')).code, 0);
  });
}

test('SysV: an /etc/default/NAME that is not root\'s alone is refused (6) and nothing starts', { skip }, async () => {
  const box = generated();
  const real = `${box.defaults}.real`;
  after(() => rmSync(real, { force: true }));
  for (const [what, make] of [
    ['writable by others', () => writeFileSync(box.defaults, 'X=1\n', { mode: 0o666 })],
    ['owned by nobody', () => (writeFileSync(box.defaults, 'X=1\n', { mode: 0o644 }), chownSync(box.defaults, NOBODY, NOBODY))],
    ['a symbolic link', () => (writeFileSync(real, 'X=1\n', { mode: 0o644 }), symlinkSync(real, box.defaults))],
  ]) {
    rmSync(box.defaults, { force: true });
    make();
    chmodSync(box.defaults, what === 'writable by others' ? 0o666 : 0o644);
    const r = await box.action('start');
    assert.equal(r.code, 6, `${what}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^${box.name}: refusing to read ${box.defaults}: `));
    assert.equal(box.pid(), undefined, what);
  }
});

test('SysV: status does not read /etc/default/NAME (no node, no sourcing)', { skip }, async () => {
  const box = generated();
  writeFileSync(box.defaults, 'X=1\n', { mode: 0o666 });
  const r = await box.action('status');
  assert.equal(r.code, 3, r.stderr);
});
