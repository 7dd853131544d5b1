// issue 13: one target, one place. Each target module declares what install, uninstall
// and detect need (its enabler, its unit, its install paths, what root runs of the
// program, its evidence); install and uninstall are one plan that --dry-run prints and
// a real run performs; the record names the unit, so uninstall needs no config.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { normalize } from '../../dist/config/normalize.js';
import { DEPENDENCY_NAMES } from '../../dist/config/schema.js';
import { validateConfig } from '../../dist/config/validate.js';
import { generate } from '../../dist/generate.js';
import { loadTargets } from '../../dist/targets/registry.js';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const APP = fileURLToPath(new URL('../fixtures/install-app.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'initgen-layout-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
function fresh(extra = {}) {
  const dir = join(scratch, String(n++));
  mkdirSync(join(dir, 'root'), { recursive: true });
  const config = join(dir, 'initgen.json');
  writeFileSync(config, JSON.stringify({ name: 'lay', script: APP, node: process.execPath, logfile: '/var/log/lay.log', env: { A: 'b' }, ...extra }));
  return { root: join(dir, 'root'), config };
}

function initgen(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const configOf = async (raw) => normalize(await validateConfig(raw, 'test'));

test('issue 13: every target declares its enabler, unit, install paths and what root runs; every init system detect names belongs to one', async () => {
  const targets = await loadTargets();
  const systems = new Set();
  for (const t of targets) {
    assert.equal(typeof t.enabler.enable, 'function', t.name);
    assert.equal(typeof t.enabler.disable, 'function', t.name);
    assert.ok(['always', 'withoutUser', 'never'].includes(t.rootRuns), t.name);
    assert.ok(t.installPaths('x') instanceof RegExp, t.name);
    if (t.detection !== undefined) for (const s of t.detection.flavours ?? [t.name]) systems.add(s);
  }
  // what `initgen detect` prints (docs/install.md), and nothing else
  assert.deepEqual([...systems].sort(), ['daemontools', 'launchd', 'openrc', 'runit', 'smf', 'systemd', 'sysv-debian', 'sysv-rhel', 'upstart']);
});

test('issue 13: the SMF FMRI comes from the config and is the service the rendered manifest declares', async () => {
  const smf = (await loadTargets()).find((t) => t.name === 'smf');
  for (const raw of [
    { name: 'web', script: '/srv/web.js' },
    { name: '9lives', script: '/srv/x.js', smf: { fmriPrefix: 'site/acme' } },
    { name: 'a@b', script: '/srv/x.js' },
  ]) {
    const config = await configOf(raw);
    const [file] = await generate(config, 'smf', () => undefined);
    const declared = /<service\s+name="([^"]+)"/.exec(file.content)?.[1];
    assert.equal(smf.unit(config), `svc:/${declared}`, raw.name);
  }
});

test('issue 13: systemd and launchd units are what they install (NAME.service, the label)', async () => {
  const targets = await loadTargets();
  const config = await configOf({ name: 'web', script: '/srv/web.js', launchd: { label: 'org.example.web' } });
  for (const name of ['systemd', 'launchd']) {
    const t = targets.find((x) => x.name === name);
    const [file] = await generate(config, name, () => undefined);
    assert.equal(file.installPath.split('/').pop().replace(/\.plist$/, ''), t.unit(config));
  }
});

test('issue 13: every abstract dependency is in every vocabulary that has one (the compiler checks the rest)', async () => {
  const { FACILITIES } = await import('../../dist/targets/sysv.js');
  const { DEPENDENCIES } = await import('../../dist/targets/openrc.js');
  for (const vocabulary of [FACILITIES, DEPENDENCIES]) assert.deepEqual(Object.keys(vocabulary).sort(), [...DEPENDENCY_NAMES].sort());
});

/** The plan's steps as --dry-run prints them: `$ command` lines, `==> PATH` file headers and the record. */
const steps = (stdout) => stdout.split('\n').filter((l) => l.startsWith('$ ') || l.startsWith('==> ') || l.startsWith('# record '));

test('issue 13: install and uninstall --dry-run print the plan a real run then performs (runit, real files)', () => {
  const { root, config } = fresh();
  const dry = initgen(['install', '-c', config, '--target', 'runit', '--root', root, '--dry-run', '--no-path-check']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(steps(dry.stdout), [
    `==> ${root}/etc/sv/lay/env/A (mode 0644) <==`,
    `==> ${root}/etc/sv/lay/log/run (mode 0755) <==`,
    `==> ${root}/etc/sv/lay/run (mode 0755) <==`,
    `# record what was installed in ${root}/var/lib/initgen/lay/runit.json`,
    `$ ln -sfn ../sv/lay ${root}/etc/service/lay`,
  ]);
  assert.equal(existsSync(join(root, 'etc')), false, '--dry-run changed nothing');

  const real = initgen(['install', '-c', config, '--target', 'runit', '--root', root, '--no-path-check']);
  assert.equal(real.code, 0, real.stderr);
  for (const file of ['etc/sv/lay/env/A', 'etc/sv/lay/log/run', 'etc/sv/lay/run']) assert.ok(lstatSync(join(root, file)).isFile(), file);
  assert.equal(readlinkSync(join(root, 'etc/service/lay')), '../sv/lay');
  const record = JSON.parse(readFileSync(join(root, 'var/lib/initgen/lay/runit.json'), 'utf8'));
  assert.equal(record.unit, 'lay');
  assert.equal(record.enabled, true);

  const undry = initgen(['uninstall', '--name', 'lay', '--root', root, '--dry-run']);
  assert.equal(undry.code, 0, undry.stderr);
  const plan = steps(undry.stdout);
  assert.equal(plan[0], `$ rm -f ${root}/etc/service/lay`);
  assert.ok(plan.includes(`$ rm -f ${root}/etc/sv/lay/run`));
  assert.ok(plan.includes(`$ rm -rf ${root}/etc/sv/lay/supervise`));
  assert.equal(plan.at(-1), `$ rm -f ${root}/var/lib/initgen/lay/runit.json`);
  assert.ok(existsSync(join(root, 'etc/sv/lay/run')), '--dry-run changed nothing');
});

test('issue 13: uninstall takes the unit from the record, not from the installed files', () => {
  const { root, config } = fresh();
  assert.equal(initgen(['install', '-c', config, '--target', 'systemd', '--root', root, '--no-path-check', '--no-enable']).code, 0);
  const path = join(root, 'var/lib/initgen/lay/systemd.json');
  const record = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(record.unit, 'lay.service');
  writeFileSync(path, JSON.stringify({ ...record, unit: 'lay-renamed.service' }));
  const r = initgen(['uninstall', '--name', 'lay', '--root', root, '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^\\$ systemctl --root=${root} disable lay-renamed\\.service \\|\\| true$`, 'm'));
});

test('issue 13: a record whose unit is not a plain name is refused before anything is done (exit 2)', () => {
  const { root, config } = fresh();
  assert.equal(initgen(['install', '-c', config, '--target', 'systemd', '--root', root, '--no-path-check', '--no-enable']).code, 0);
  const path = join(root, 'var/lib/initgen/lay/systemd.json');
  const record = JSON.parse(readFileSync(path, 'utf8'));
  for (const unit of ['--now', 'a b', '$(reboot)', 7]) {
    writeFileSync(path, JSON.stringify({ ...record, unit }));
    const r = initgen(['uninstall', '--name', 'lay', '--root', root]);
    assert.equal(r.code, 2, `${unit}: ${r.stderr}`);
    assert.match(r.stderr, /^initgen: .*systemd\.json: not a record initgen wrote: `unit` .* is not a service manager's name\n/);
    assert.ok(existsSync(join(root, 'lib/systemd/system/lay.service')), 'nothing was removed');
  }
});
