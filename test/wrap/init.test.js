// Issue 16: `initgen init` turns a package.json into a working config; the config
// generates, and (for an Express-shaped app) the generated SysV script runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alive } from '../targets/supervise-harness.js';
import { CANNOT } from '../targets/sysv-harness.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const initgen = (args, cwd) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { PATH } });

// An app shaped like an Express or Fastify one: `npm start` runs `node server.js --port N`.
const SERVER = `const http = require('node:http');
const i = process.argv.indexOf('--port');
const port = Number(process.argv[i + 1]);
http.createServer((req, res) => res.end('hello\\n')).listen(port, '127.0.0.1', () => console.log('listening on ' + port));
`;

function app(t, pkg, files = { 'server.js': SERVER }) {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-init-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('issue 16: initgen init reads scripts.start (node FILE ARGS) and says the program is plain', (t) => {
  const dir = app(t, { name: '@acme/web', description: 'Web\nsecond line', scripts: { start: 'node server.js --port 3000' } });
  const r = initgen(['init'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), { name: 'web', description: 'Web', script: join(dir, 'server.js'), args: ['--port', '3000'], program: 'plain', cwd: dir });
  assert.equal(existsSync(join(dir, 'initgen.json')), false, 'nothing written without --write');
});

test('issue 16: initgen init: "main" of a program that calls init.simple() gives program "initgen"', (t) => {
  const dir = app(t, { name: 'svc', main: 'lib/app.mjs' }, {});
  spawnSync('mkdir', [join(dir, 'lib')]);
  writeFileSync(join(dir, 'lib/app.mjs'), "import init from 'initgen';\ninit.simple({ name: 'svc', run() {} });\n");
  const r = initgen(['init', '--dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { name: 'svc', script: join(dir, 'lib/app.mjs'), program: 'initgen' });
});

test('issue 16: initgen init: bad input is one line and exit 2; --write never replaces a file or follows a link', (t) => {
  const none = app(t, { name: 'x', scripts: { start: 'node -r dotenv/config server.js' } });
  for (const [dir, why] of [
    [none, /scripts\.start is not/],
    [app(t, { name: 'x', scripts: { start: 'node missing.js' } }), /missing\.js: no such file/],
    [app(t, { name: '!!', main: 'server.js' }), /cannot be a service name/],
  ]) {
    const r = initgen(['init'], dir);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^initgen init: .+\n$/);
    assert.match(r.stderr, why);
  }
  const broken = app(t, {});
  writeFileSync(join(broken, 'package.json'), '{ nope');
  assert.equal(initgen(['init'], broken).status, 2);

  const dir = app(t, { name: 'web', scripts: { start: 'node server.js' } });
  const target = join(dir, 'elsewhere');
  symlinkSync(target, join(dir, 'initgen.json'));
  const r = initgen(['init', '--write'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^initgen init: .*initgen\.json: already exists\n$/);
  assert.equal(existsSync(target), false, 'the link was not followed');
  rmSync(join(dir, 'initgen.json'));
  assert.equal(initgen(['init', '--write'], dir).status, 0);
  assert.equal(JSON.parse(readFileSync(join(dir, 'initgen.json'), 'utf8')).program, 'plain');
});

test('issue 16: init > initgen.json, then --target systemd --stdout and the generated SysV script runs the app', { skip: CANNOT.sysvRun }, async (t) => {
  const port = 20000 + (process.pid % 20000);
  const dir = app(t, { name: 'web', scripts: { start: `node server.js --port ${port}` } });
  const init = initgen(['init', '--write'], dir);
  assert.equal(init.status, 0, init.stderr);
  const unit = initgen(['--target', 'systemd', '--config', 'initgen.json', '--stdout'], dir);
  assert.equal(unit.status, 0, unit.stderr);
  assert.match(unit.stdout, new RegExp(`\\nExecStart=.* /\\S+/node --import=file://\\S+/wrap\\.mjs ${dir}/server\\.js run -- --port ${port}\\n`));
  assert.match(unit.stdout, new RegExp(`\\nWorkingDirectory=${dir}\\n`));

  const config = JSON.parse(readFileSync(join(dir, 'initgen.json'), 'utf8'));
  writeFileSync(join(dir, 'initgen.json'), JSON.stringify({ ...config, pidfile: join(dir, 'web.pid'), logfile: join(dir, 'web.log') }));
  const gen = initgen(['--target', 'sysv', '--config', 'initgen.json', '--out', join(dir, 'out')], dir);
  assert.equal(gen.status, 0, gen.stderr);
  const script = join(dir, 'out/web');
  const run = (action) => spawnSync(script, [action], { env: { PATH }, encoding: 'utf8', timeout: 60_000 });
  t.after(() => {
    const pid = existsSync(join(dir, 'web.pid')) && Number(readFileSync(join(dir, 'web.pid'), 'utf8'));
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  });
  const start = run('start');
  assert.equal(start.status, 0, start.stderr);
  const res = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(await res.text(), 'hello\n');
  assert.equal(run('status').status, 0);
  assert.equal(run('stop').status, 0);
  assert.equal(run('status').status, 3);
  assert.match(readFileSync(join(dir, 'web.log'), 'utf8'), new RegExp(`listening on ${port}`));
});
