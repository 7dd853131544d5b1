// Security finding 9 and issue 12: what crosses the privilege drop (inherited
// descriptors, root's environment, ignored signals), and `user`/`group` under a
// supervisor that switched already, with numeric ids, and with both set.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { procStatus } from '../helpers/daemons.js';
import { writeProgram } from '../helpers/program.js';
import { isAlive, isRoot, killHard, makeSandbox, waitFor } from '../helpers/service.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const rootSkip = !isRoot && 'needs root: starts services that switch to another user';
const bashSkip = !has('bash') && 'needs bash: POSIX sh cannot open descriptor 200';
const setprivSkip = !has('setpriv') && 'needs setpriv (util-linux): the supervisor that switches user';

const passwd = (user) => execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim().split(':');
const pids = [];
const boxes = [];
after(() => {
  pids.forEach(killHard);
  boxes.forEach((b) => b.remove());
});

/**
 * A program that records, from inside run(), its ids, groups, environment and open
 * descriptors to `record` (in a directory everyone may write).
 */
function recorder(options = {}) {
  const box = makeSandbox('initgen-privdrop-');
  boxes.push(box);
  chmodSync(box.dir, 0o755);
  const out = join(box.dir, 'out');
  mkdirSync(out, { mode: 0o777 });
  chmodSync(out, 0o1777);
  const record = join(out, 'record.json');
  const body = `import init from 'initgen';
import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
init.simple({
  ...${JSON.stringify({ name: 'privapp', pidfile: box.pidfile, logfile: box.logfile, ...options })},
  run() {
    const fds = {};
    for (const fd of readdirSync('/proc/self/fd')) { try { fds[fd] = readlinkSync('/proc/self/fd/' + fd); } catch {} }
    writeFileSync(${JSON.stringify(record)}, JSON.stringify({ pid: process.pid, uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), env: process.env, fds }));
    setInterval(() => {}, 1 << 30);
  },
});
`;
  const app = writeProgram(box.dir, { body });
  const read = () => (existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : undefined);
  return { box, app, record, read };
}

describe('the privilege drop', { skip: rootSkip }, () => {
  test('an inherited descriptor on a root-only file is closed in the daemon before run()', { skip: bashSkip }, async () => {
    const { box, app, read } = recorder({ user: 'nobody' });
    const secret = join(box.dir, 'secret');
    writeFileSync(secret, 'root only\n', { mode: 0o600 });
    const r = spawnSync('bash', ['-c', `exec 200<"$1"; exec "$0" "$2" start`, process.execPath, secret, app], { env: { PATH }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rec = await waitFor(read, 'the daemon\'s record');
    pids.push(rec.pid);
    assert.equal(rec.uid, 65534);
    assert.deepEqual(Object.values(rec.fds).filter((target) => target === secret), [], JSON.stringify(rec.fds));
    assert.equal(rec.fds['200'], undefined);
    const now = readdirSync(`/proc/${rec.pid}/fd`).map((fd) => readlinkSync(`/proc/${rec.pid}/fd/${fd}`));
    assert.equal(now.includes(secret), false);
  });

  test('signals the caller ignored (trap \'\' TERM) are not ignored by the daemon, none blocked', { skip: bashSkip }, async () => {
    const { app, read } = recorder();
    const r = spawnSync('sh', ['-c', `trap '' TERM HUP USR1 USR2 QUIT; exec "$0" "$1" start`, process.execPath, app], { env: { PATH }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rec = await waitFor(read, 'the daemon\'s record');
    pids.push(rec.pid);
    const status = procStatus(rec.pid);
    const ignored = BigInt(`0x${status.SigIgn}`);
    for (const [name, number] of [['HUP', 1], ['QUIT', 3], ['USR1', 10], ['USR2', 12], ['TERM', 15]]) {
      assert.equal((ignored >> BigInt(number - 1)) & 1n, 0n, `SIG${name} is ignored (SigIgn ${status.SigIgn})`);
    }
    assert.equal(BigInt(`0x${status.SigBlk}`), 0n, `SigBlk ${status.SigBlk}`);
    process.kill(rec.pid, 'SIGTERM');
    await waitFor(() => !isAlive(rec.pid), 'SIGTERM to end the daemon');
  });

  test('switching user: the environment is the user\'s and the kept names, nothing else of root\'s', async () => {
    const { app, read } = recorder({ user: 'nobody', env: ['OPTION_KEPT'] });
    const [, , , , , home, shell] = passwd('nobody');
    const env = { PATH: `/root/bin:${PATH}`, HOME: '/root', SECRET_TOKEN: 'root-only', NODE_OPTIONS: '--no-warnings', OPTION_KEPT: 'a', WORD_KEPT: 'b' };
    const r = spawnSync(process.execPath, [app, 'start', '--initgen-env=WORD_KEPT'], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rec = await waitFor(read, 'the daemon\'s record');
    pids.push(rec.pid);
    assert.deepEqual(rec.env, { PATH, HOME: home, USER: 'nobody', LOGNAME: 'nobody', SHELL: shell, OPTION_KEPT: 'a', WORD_KEPT: 'b' });
    // the process's initial environment too, not only process.env
    const environ = readFileSync(`/proc/${rec.pid}/environ`, 'utf8');
    assert.equal(environ.includes('SECRET_TOKEN'), false);
  });

  test('`run` as root with `user`: the same environment, built in the process', async () => {
    const { app, read } = recorder({ user: 'nobody' });
    const child = spawn(process.execPath, [app, 'run'], { env: { PATH, HOME: '/root', SECRET_TOKEN: 'root-only' }, stdio: 'ignore' });
    pids.push(child.pid);
    const rec = await waitFor(read, 'the service\'s record');
    assert.equal(rec.uid, 65534);
    assert.equal(rec.env.SECRET_TOKEN, undefined);
    assert.equal(rec.env.USER, 'nobody');
  });

  test('numeric user and group ids work as names do', async () => {
    const { app, read } = recorder();
    const r = spawnSync(process.execPath, [app, 'start', '--initgen-user=65534', '--initgen-group=65534'], { env: { PATH }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rec = await waitFor(read, 'the daemon\'s record');
    pids.push(rec.pid);
    assert.deepEqual([rec.uid, rec.gid], [65534, 65534]);
  });

  test('under setpriv --reuid/--regid (as systemd User=/Group= do): user and group set → it runs', { skip: setprivSkip }, async () => {
    const [, , uid, gid] = passwd('nobody');
    const { app, read } = recorder();
    const child = spawn(
      'setpriv',
      [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', process.execPath, app, 'run', '--initgen-user=nobody', `--initgen-group=${gid}`],
      { env: { PATH }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    pids.push(child.pid);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const rec = await Promise.race([waitFor(read, 'the service\'s record'), exited.then((code) => assert.fail(`exited ${code}: ${stderr}`))]);
    assert.deepEqual([rec.uid, rec.gid], [Number(uid), Number(gid)]);
  });
});

describe('user and group together', { skip: rootSkip }, () => {
  // per run, so that two suites running as root at once do not delete each other's accounts
  const USER = `initgen-pd${process.pid}`;
  const EXTRA = `${USER}-sup`;
  const remove = () => {
    for (const [tool, name] of [['userdel', USER], ['groupdel', USER], ['groupdel', EXTRA]]) spawnSync(tool, [name], { stdio: 'ignore' });
  };
  before(() => {
    remove();
    execFileSync('groupadd', ['--system', EXTRA]);
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', USER]);
  });
  after(remove);

  test('the user\'s primary group stays among the supplementary groups, `group` joins them', async () => {
    const primary = Number(passwd(USER)[3]);
    const extra = Number(execFileSync('getent', ['group', EXTRA], { encoding: 'utf8' }).split(':')[2]);
    const { app, read } = recorder();
    const r = spawnSync(process.execPath, [app, 'start', `--initgen-user=${USER}`, `--initgen-group=${EXTRA}`], { env: { PATH }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rec = await waitFor(read, 'the daemon\'s record');
    pids.push(rec.pid);
    assert.equal(rec.gid, extra);
    assert.deepEqual([...rec.groups].sort((a, b) => a - b), [primary, extra].sort((a, b) => a - b));
    assert.deepEqual(procStatus(rec.pid).Groups.trim().split(/\s+/).map(Number).sort((a, b) => a - b), [primary, extra].sort((a, b) => a - b));
  });
});
