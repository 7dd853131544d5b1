// Issue 14, configuration files: LSB 6 with its real meaning. Real files in temp dirs,
// real daemons, real reloads; a config broken between two reloads.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readablePath } from '../helpers/readable-tree.js';
import { waitFor } from '../helpers/service.js';
import { isRoot, opsBox, run } from './lib.js';

const NOBODY = 65534;

/** A box whose system-wide config is DIR/etc/config.json (the `files` option), written 0644. */
function configured(mode = 'schema', content) {
  const box = opsBox({ OPS_CONFIG: mode });
  const etc = join(box.dir, 'etc');
  mkdirSync(etc);
  box.config = join(etc, 'config.json');
  box.vars.OPS_CONFIG_FILES = `${box.config}:${join(etc, 'config.yaml')}`;
  box.write = (text, file = box.config) => writeFileSync(file, typeof text === 'string' ? text : JSON.stringify(text), { mode: 0o644 });
  if (content !== undefined) box.write(content);
  return box;
}

test('start with no config file: exit 6 naming where it looked, nothing started', async () => {
  const box = configured();
  const r = await box.run(['start']);
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /^opsapp: no config file: none of .*etc\/config\.json, .*etc\/config\.yaml(, \S+\/\.opsapp\/config\.\w+)* exists\n$/);
  assert.equal(existsSync(box.pidfile), false);
  assert.equal(existsSync(box.logfile), false, 'nothing was spawned: the log was never opened');
});

test('start with an invalid config: exit 6 with the file and the problem, before anything starts', async () => {
  const cases = [
    ['{"port": 80,', /config file .*config\.json: is not valid JSON/],
    ['[1, 2]', /config file .*config\.json: must hold an object at the top level/],
    [{ port: 'eighty' }, /config .*config\.json: \/port must be integer/],
    [{ greeting: 'hi' }, /config .*config\.json: \(top level\) must have required property 'port'/],
  ];
  for (const [content, message] of cases) {
    const box = configured('schema', content);
    const r = await box.run(['start']);
    assert.equal(r.code, 6, `${JSON.stringify(content)}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
    assert.doesNotMatch(r.stderr, /eighty|\bat .*\.js:/, 'no content quoted, no stack');
    assert.equal(existsSync(box.pidfile), false);
    const test = await box.run(['configtest']);
    assert.equal(test.code, 6);
    assert.match(test.stderr, message);
  }
});

test('run(ctx) gets the merged config: system-wide file, then --config FILE after --; YAML read too', async () => {
  const box = configured('schema', { port: 8080, greeting: 'system', nested: { a: 1, b: 2 } });
  const extra = join(box.dir, 'extra.yaml');
  writeFileSync(extra, 'greeting: override\nnested:\n  b: 3\n', { mode: 0o600 });
  const r = await box.run(['start', '--', '--config', extra]);
  assert.equal(r.code, 0, r.stderr);
  const [first] = box.records();
  assert.deepEqual(first, { pid: box.pid(), event: 'run', config: { port: 8080, greeting: 'override', nested: { a: 1, b: 3 } } });
  assert.equal((await box.run(['stop'])).code, 0);

  const missing = await box.run(['start', '--', '--config', join(box.dir, 'nope.json')]);
  assert.equal(missing.code, 6);
  assert.match(missing.stderr, /config file .*nope\.json: does not exist/);
});

test('reload: a valid change reaches reload(config, oldConfig); a broken one exits 6 and the daemon keeps the old; fixed, it reloads again', async () => {
  const box = configured('schema', { port: 1000 });
  assert.equal((await box.run(['start'])).code, 0);
  const pid = box.pid();

  box.write({ port: 2000 });
  const first = await box.run(['reload']);
  assert.equal(first.code, 0, first.stderr);
  await waitFor(() => box.records().length === 2, 'the first reload');
  assert.deepEqual(box.records()[1], { pid, event: 'reload', config: { port: 2000 }, oldConfig: { port: 1000 } });

  box.write({ port: 'not a port' });
  const broken = await box.run(['reload']);
  assert.equal(broken.code, 6, broken.stderr);
  assert.match(broken.stderr, /\/port must be integer/);
  const test = await box.run(['configtest']);
  assert.equal(test.code, 6);
  assert.equal(box.pid(), pid, 'the daemon runs on');
  assert.equal((await box.run(['status'])).code, 0);

  box.write({ port: 3000 });
  assert.equal((await box.run(['configtest'])).code, 0);
  const fixed = await box.run(['reload']);
  assert.equal(fixed.code, 0, fixed.stderr);
  await waitFor(() => box.records().length === 3, 'the reload after the fix');
  // the broken config never reached the program: the old config of this reload is the first reload's
  assert.deepEqual(box.records()[2], { pid, event: 'reload', config: { port: 3000 }, oldConfig: { port: 2000 } });
  assert.equal((await box.run(['stop'])).code, 0);
});

test('a config broken behind reload\'s back (SIGHUP straight to the daemon): logged, the old config kept', async () => {
  const box = configured('schema', { port: 1000 });
  assert.equal((await box.run(['start'])).code, 0);
  const pid = box.pid();
  box.write('{"port":');
  process.kill(pid, 'SIGHUP');
  await waitFor(async () => (await import('node:fs')).readFileSync(box.logfile, 'utf8').includes('not valid JSON'), 'the refused reload in the log');
  box.write({ port: 4000 });
  process.kill(pid, 'SIGHUP');
  await waitFor(() => box.records().length === 2, 'the next reload');
  assert.deepEqual(box.records()[1].oldConfig, { port: 1000 });
  assert.equal((await box.run(['stop'])).code, 0);
});

test('configtest answers 0 or 6 and touches no daemon; a program without the config option has nothing to test', async () => {
  const box = configured('plain', { anything: true });
  const ok = await box.run(['configtest']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'opsapp: config is valid\n');
  assert.equal(existsSync(box.pidfile), false);
  assert.equal(existsSync(box.logfile), false);
  const bare = opsBox();
  const none = await bare.run(['configtest']);
  assert.equal(none.code, 0);
  assert.match(none.stdout, /no config files to test/);
  assert.equal((await bare.run(['configtest', 'extra'])).code, 0, 'nothing to test: nothing to refuse');
});

test('config files read as root: a symlink, another user\'s file and an other-writable file are refused (6)', { skip: !isRoot && 'needs root: the files belong to another user (nobody)' }, async () => {
  const target = configured('plain');
  const real = join(target.dir, 'real.json');
  writeFileSync(real, '{"port": 1}', { mode: 0o644 });

  const link = configured('plain');
  symlinkSync(real, link.config);
  const r1 = await link.run(['start']);
  assert.equal(r1.code, 6, r1.stderr);
  assert.match(r1.stderr, /config\.json: is a symbolic link/);

  const foreign = configured('plain', { port: 1 });
  chownSync(foreign.config, NOBODY, NOBODY);
  const r2 = await foreign.run(['start']);
  assert.equal(r2.code, 6, r2.stderr);
  assert.match(r2.stderr, /is owned by uid 65534, not by root or the service's user/);

  const writable = configured('plain', { port: 1 });
  chmodSync(writable.config, 0o666);
  const r3 = await writable.run(['configtest']);
  assert.equal(r3.code, 6, r3.stderr);
  assert.match(r3.stderr, /is writable by other users/);
  for (const box of [link, foreign, writable]) assert.equal(existsSync(box.pidfile), false);
});

test('the parsers come from the package and the program, never from node_modules above the library: YAML without a yaml package, a schema needs the program\'s ajv', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { run } = await import('./lib.js');
  const library = new URL('../../dist/initgen.mjs', import.meta.url).href;
  const dir = mkdtempSync(join(tmpdir(), 'initgen-ops-program-'));
  try {
    // a program outside the checkout: no node_modules of its own (the checkout's has ajv and yaml)
    const program = join(dir, 'app.mjs');
    writeFileSync(join(dir, 'config.yaml'), 'port: 80\n', { mode: 0o644 });
    const write = (schema) =>
      writeFileSync(
        program,
        `import init from ${JSON.stringify(library)};\n` +
          `init.simple({ name: 'standalone', pidfile: ${JSON.stringify(join(dir, 'p.pid'))}, logfile: ${JSON.stringify(join(dir, 'l.log'))},\n` +
          `  config: { files: [${JSON.stringify(join(dir, 'config.yaml'))}]${schema ? ", schema: { type: 'object' }" : ''} }, run() {} });\n`,
      );
    write(false);
    const yaml = await run(process.execPath, [program, 'configtest'], { env: { PATH: process.env.PATH } });
    assert.equal(yaml.code, 0, yaml.stderr);
    write(true);
    const schema = await run(process.execPath, [program, 'configtest'], { env: { PATH: process.env.PATH } });
    assert.equal(schema.code, 6, schema.stderr);
    assert.match(schema.stderr, /^standalone: the config `schema` needs the ajv package installed for the program/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Issue 14: root's config test passed, then the daemon, as its user, could not read the
// file. start must answer 6 itself, in one line naming the file, and start nothing.
test('a config file root can read but the service\'s user cannot: start exits 6 naming it, nothing runs', { skip: !isRoot && 'needs root: the service switches to user nobody' }, async () => {
  const box = configured('plain', { port: 1 });
  chmodSync(box.dir, 0o755); // nobody may traverse to the config: only the file's mode stops it
  chmodSync(box.config, 0o600);
  writeFileSync(box.record, '', { mode: 0o666 });
  chmodSync(box.record, 0o666);
  const app = readablePath('test/ops/app.js');
  const keep = ['OPS_CONFIG', 'OPS_CONFIG_FILES', 'OPS_RECORD'].map((name) => `--initgen-env=${name}`);
  const start = () => run(process.execPath, [app, 'start', '--initgen-user=nobody', '--initgen-group=nogroup', ...keep], { env: box.env() });

  const refused = await start();
  assert.equal(refused.code, 6, refused.stdout + refused.stderr);
  assert.equal(refused.stderr, `opsapp: config file ${box.config}: user nobody cannot read it (permission denied)\n`);
  assert.equal(existsSync(box.pidfile), false, 'nothing started');
  assert.equal(existsSync(box.logfile), false, 'nothing was spawned: the log was never opened');
  assert.equal((await box.run(['configtest', '--initgen-user=nobody', '--initgen-group=nogroup'])).code, 6, 'configtest says the same');

  chmodSync(box.config, 0o644);
  const started = await start();
  assert.equal(started.code, 0, started.stderr);
  await waitFor(() => box.records().length === 1, 'the daemon to read its config as nobody');
  assert.deepEqual(box.records()[0].config, { port: 1 });
  assert.equal((await box.run(['stop'])).code, 0);
});

// Issue 14: reload tested only the system-wide files, not the `--config FILE` the daemon
// was started with and re-reads on SIGHUP: start records it beside the pid file.
test('reload tests the --config FILE start was given: broken → 6 and the daemon keeps its config; fixed → 0, the new value live', async () => {
  const box = configured('schema', { port: 1000 });
  const extra = join(box.dir, 'extra.json');
  const write = (value) => writeFileSync(extra, typeof value === 'string' ? value : JSON.stringify(value), { mode: 0o600 });
  write({ port: 1500 });
  assert.equal((await box.run(['start', '--', '--config', extra])).code, 0);
  const pid = box.pid();
  await waitFor(() => box.records().length === 1, 'the daemon to start');
  assert.deepEqual(box.records()[0].config, { port: 1500 });
  assert.equal(JSON.parse(readFileSync(`${box.pidfile}.config`, 'utf8').slice(`${pid} `.length)), extra, 'the record names the file');

  write({ port: 'broken' });
  const broken = await box.run(['reload']);
  assert.equal(broken.code, 6, broken.stderr);
  assert.equal(broken.stderr, `opsapp: config ${box.config} + ${extra}: /port must be integer\n`);
  assert.equal(box.pid(), pid, 'the daemon runs on');
  assert.equal(box.records().length, 1, 'no SIGHUP was sent: the daemon still has port 1500');

  write({ port: 2500 });
  const fixed = await box.run(['reload']);
  assert.equal(fixed.code, 0, fixed.stderr);
  await waitFor(() => box.records().length === 2, 'the reload');
  assert.deepEqual(box.records()[1], { pid, event: 'reload', config: { port: 2500 }, oldConfig: { port: 1500 } });
  assert.equal((await box.run(['stop'])).code, 0);
  assert.equal(existsSync(`${box.pidfile}.config`), false, 'stop removes the record with the pid file');

  // a start without --config leaves no record behind for the next daemon's reload
  assert.equal((await box.run(['start'])).code, 0);
  assert.equal(existsSync(`${box.pidfile}.config`), false);
  assert.equal((await box.run(['stop'])).code, 0);
});
