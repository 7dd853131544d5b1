// contract §5: the generator CLI, spawned for real. A bad config is rejected before
// anything is written (exit 2, one line per problem naming the field); --check exits 1
// on drift; output is deterministic and written with each file's mode.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../../dist/config/schema.js';
import { TARGET_NAMES } from '../../dist/targets/registry.js';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const GOOD = { name: 'hello', script: '/opt/hello/app.js', node: '/usr/bin/node', user: 'daemon', group: 'daemon' };
const scratch = mkdtempSync(join(tmpdir(), 'initgen-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A fresh directory holding the given files. */
function dir(files = {}) {
  const d = join(scratch, String(n++));
  mkdirSync(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), typeof text === 'string' ? text : JSON.stringify(text));
  return d;
}

function initgen(args, cwd, shell) {
  const cmd = shell ? ['sh', ['-c', `${shell}; exec "$0" "$@"`, process.execPath, BIN, ...args]] : [process.execPath, [BIN, ...args]];
  const r = spawnSync(cmd[0], cmd[1], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines: r.stderr.split('\n').filter(Boolean) };
}

const BAD = [
  ['missing name', { script: '/a.js' }, [/Missing field `name`/]],
  ['relative paths', { ...GOOD, pidfile: 'run/app.pid', script: 'app.js' }, [/Invalid `script`: expected an absolute path, got `app\.js`/, /Invalid `pidfile`: expected an absolute path, got `run\/app\.pid`/]],
  ['wrong types', { ...GOOD, nice: 'high', args: 'a b', respawn: { count: 1.5 } }, [/Invalid `args`: expected an array/, /Invalid `respawn\.count`: expected an integer/, /Invalid `nice`: expected an integer/]],
  ['out of range', { ...GOOD, nice: 40 }, [/^initgen: initgen\.json: Invalid `nice`: expected an integer from -20 to 19, got `40`$/]],
  ['unknown keys', { ...GOOD, pidFile: '/run/x.pid', extra: 1 }, [/Unknown field `pidFile`; did you mean `pidfile`\?/, /Unknown field `extra`/]],
  ['invalid service name', { ...GOOD, name: 'my app' }, [/Invalid `name`: expected a service name \(letters, digits, _ \. @ -\), got `my app`/]],
  ['NUL byte', { ...GOOD, args: ['ok', 'a\u0000b'], env: { X: '\u0000' } }, [/Invalid `args\[1\]`: contains a NUL byte/, /Invalid `env\.X`: contains a NUL byte/]],
  ['not an object', [1, 2], [/Invalid config: expected an object/]],
];

for (const [what, config, expected] of BAD) {
  test(`bad config (${what}): exit 2, one line per problem, nothing written`, () => {
    const cwd = dir({ 'initgen.json': config });
    const r = initgen(['--target', 'logrotate', '--out', 'out'], cwd);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.lines.length, expected.length, r.stderr);
    expected.forEach((re, i) => assert.match(r.lines[i], re));
    assert.ok(!existsSync(join(cwd, 'out')), 'nothing may be written');
  });
}

test('unparseable YAML and JSON: exit 2, one line naming the file and line', () => {
  const cwd = dir({ 'bad.yaml': 'name: hello\nscript: [\n  - x: 1: 2\n', 'bad.json': '{\n  "name": "hello",\n  "script" 1\n}' });
  const y = initgen(['-t', 'logrotate', '--config', 'bad.yaml', '--out', 'out'], cwd);
  assert.equal(y.code, 2);
  assert.equal(y.lines.length, 1, y.stderr);
  assert.match(y.lines[0], /^initgen: bad\.yaml:\d+:\d+: invalid YAML: /);
  const j = initgen(['-t', 'logrotate', '--config', 'bad.json', '--out', 'out'], cwd);
  assert.equal(j.code, 2);
  assert.match(j.stderr, /^initgen: bad\.json:3:\d+: invalid JSON: .+\n$/);
  assert.ok(!existsSync(join(cwd, 'out')));
});

test('usage errors exit 2 with one line: unknown target, unknown option, no target, --check without a place', () => {
  const cwd = dir({ 'initgen.json': GOOD });
  for (const args of [['--target', 'nope', '--out', 'out'], ['-t', 'logrotate', '--bogus'], [], ['-t', 'logrotate', '--check'], ['-t', 'logrotate', '--out', 'o', '--stdout']]) {
    const r = initgen(args, cwd);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.lines.length, 1, r.stderr);
    assert.match(r.lines[0], /^initgen: /);
  }
  assert.match(initgen(['--target', 'nope'], cwd).stderr, /Invalid `--target`: expected one of .*logrotate.*, all; got `nope`/);
  assert.ok(!existsSync(join(cwd, 'out')));
});

test('an I/O failure exits 1 with one line and no stack trace', () => {
  const cwd = dir({ 'initgen.json': GOOD, blocker: 'a file, not a directory' });
  const r = initgen(['-t', 'logrotate', '--out', 'blocker/out'], cwd);
  assert.equal(r.code, 1);
  assert.equal(r.lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('--check: 0 right after generating, 1 after a one-byte change, 1 for a missing file', () => {
  const cwd = dir({ 'initgen.json': GOOD });
  assert.equal(initgen(['-t', 'logrotate', '--out', 'out'], cwd).code, 0);
  assert.equal(initgen(['-t', 'logrotate', '--out', 'out', '--check'], cwd).code, 0);
  const file = join(cwd, 'out', 'hello.logrotate');
  const bytes = readFileSync(file);
  bytes[bytes.length - 2] ^= 1;
  writeFileSync(file, bytes);
  const changed = initgen(['-t', 'logrotate', '--out', 'out', '--check'], cwd);
  assert.equal(changed.code, 1);
  assert.deepEqual(changed.lines, ['initgen: out/hello.logrotate: differs']);
  rmSync(file);
  const missing = initgen(['-t', 'logrotate', '--out', 'out', '--check'], cwd);
  assert.equal(missing.code, 1);
  assert.deepEqual(missing.lines, ['initgen: out/hello.logrotate: missing']);
  assert.ok(!existsSync(file), '--check writes nothing');
});

test('--root writes each file at its install path with its mode, whatever the umask', () => {
  const cwd = dir({ 'initgen.json': GOOD });
  const r = initgen(['-t', 'logrotate', '--root', 'root'], cwd, 'umask 077');
  assert.equal(r.code, 0, r.stderr);
  const file = join(cwd, 'root/etc/logrotate.d/hello');
  assert.equal(statSync(file).mode & 0o777, 0o644);
  assert.deepEqual(readdirSync(join(cwd, 'root/etc/logrotate.d')), ['hello'], 'no temporary file left behind');
  assert.equal(initgen(['-t', 'logrotate', '--root', 'root', '--check'], cwd).code, 0);
  chmodSync(file, 0o600);
  const drift = initgen(['-t', 'logrotate', '--root', 'root', '--check'], cwd);
  assert.equal(drift.code, 1);
  assert.match(drift.stderr, /root\/etc\/logrotate\.d\/hello: mode is 0600, expected 0644/);
});

test('--stdout (and the default) print the file; --out writes the same bytes', () => {
  const cwd = dir({ 'initgen.json': GOOD });
  const explicit = initgen(['-t', 'logrotate', '--stdout'], cwd);
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.equal(initgen(['-t', 'logrotate'], cwd).stdout, explicit.stdout);
  assert.match(explicit.stdout, /^# Generated by initgen/);
  assert.match(explicit.stdout, /^\/var\/log\/hello\.log \{$/m);
  initgen(['-t', 'logrotate', '--out', 'out'], cwd);
  assert.equal(readFileSync(join(cwd, 'out/hello.logrotate'), 'utf8'), explicit.stdout);
});

test('several files on stdout: each preceded by a ==> path <== header', async () => {
  const other = [];
  for (const name of TARGET_NAMES) if (name !== 'logrotate') other.push(name);
  const cwd = dir({ 'initgen.json': GOOD });
  const r = initgen(['-t', `logrotate,${other[0]}`, '--stdout'], cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^==> logrotate\/hello\.logrotate <==\n# Generated by initgen/);
  assert.match(r.stdout, new RegExp(`\\n\\n==> ${other[0]}/[^\\n]+ <==\\n`));
});

test('warnings for fields a target cannot express go to stderr; the file still goes to stdout', () => {
  const cwd = dir({ 'initgen.json': { ...GOOD, group: undefined, readiness: 'explicit', node: '/home/me/.nvm/versions/node/v20.0.0/bin/node' } });
  const r = initgen(['-t', 'upstart'], cwd);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\nend script\n/);
  assert.equal(r.lines.length, 2, r.stderr);
  assert.match(r.lines[0], /^initgen: field `node`: .*version manager/);
  assert.match(r.lines[1], /^initgen: upstart: field `readiness`: /);
});

test('initgen schema prints the published JSON Schema', () => {
  const r = initgen(['schema'], dir());
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), JSON.parse(JSON.stringify(configSchema)));
});

test('initgen targets lists every registered target', () => {
  const r = initgen(['targets'], dir());
  assert.equal(r.code, 0);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]), [...TARGET_NAMES]);
  assert.match(r.stdout, /^logrotate +logrotate snippet/m);
});

test('config discovery in the current directory: initgen.yaml, then package.json key', () => {
  const yaml = dir({ 'initgen.yaml': 'name: fromyaml\nscript: /opt/a.js\nnode: /usr/bin/node\nlogfile: /var/log/y.log\n' });
  const y = initgen(['-t', 'logrotate'], yaml);
  assert.equal(y.code, 0, y.stderr);
  assert.match(y.stdout, /^\/var\/log\/y\.log \{$/m);
  const pkg = dir({ 'package.json': { name: 'x', initgen: { ...GOOD, logfile: '/var/log/pkg.log' } } });
  assert.match(initgen(['-t', 'logrotate'], pkg).stdout, /^\/var\/log\/pkg\.log \{$/m);
  assert.match(initgen(['-t', 'logrotate', '-c', 'package.json'], pkg).stdout, /^\/var\/log\/pkg\.log \{$/m);
  const both = dir({ 'initgen.json': { ...GOOD, logfile: '/var/log/json.log' }, 'initgen.yml': 'name: [' });
  assert.match(initgen(['-t', 'logrotate'], both).stdout, /json\.log/);
  const none = initgen(['-t', 'logrotate'], dir({ 'package.json': { name: 'x' } }));
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^initgen: no config found/);
});

test('determinism: two runs give identical bytes', () => {
  const cwd = dir({ 'initgen.json': GOOD });
  const a = initgen(['-t', 'logrotate'], cwd).stdout;
  assert.equal(initgen(['-t', 'logrotate'], cwd).stdout, a);
  assert.ok(a.length > 0);
});

test('--root with targets that install the same path: exit 2, nothing written', async () => {
  const cwd = dir({ 'initgen.json': GOOD });
  const r = initgen(['-t', 'sysv,openrc', '--root', 'root'], cwd);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^initgen: sysv and openrc would both write root\/etc\/init\.d\/hello; /);
  assert.ok(!existsSync(join(cwd, 'root')));
});

test('issue 11: the README\'s `--target all --root debian/hello` and its `--check` exit 0: sysv keeps etc/init.d, openrc is left out', () => {
  const cwd = dir({ 'initgen.json': readFileSync(fileURLToPath(new URL('../../examples/hello/initgen.json', import.meta.url)), 'utf8') });
  const r = initgen(['--target', 'all', '--root', 'debian/hello'], cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.lines.filter((l) => l.includes('leaves out')), [
    'initgen: note: --target all leaves out openrc: sysv already installs etc/init.d/hello (name openrc in --target to get it instead)',
  ]);
  assert.match(readFileSync(join(cwd, 'debian/hello/etc/init.d/hello'), 'utf8'), /^### BEGIN INIT INFO/m);
  assert.ok(existsSync(join(cwd, 'debian/hello/lib/systemd/system/hello.service')));
  const check = initgen(['--target', 'all', '--root', 'debian/hello', '--check'], cwd);
  assert.equal(check.code, 0, check.stderr);
  // named explicitly, both still collide
  assert.equal(initgen(['--target', 'sysv,openrc', '--root', 'debian/hello', '--check'], cwd).code, 2);
});
