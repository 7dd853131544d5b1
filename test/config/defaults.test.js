// issue 13: the defaults and the patterns the generator and the library share have one
// home each (src/defaults.ts, src/patterns.ts). The generator's config and the library's
// options must then agree on every default and on which values they accept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalize } from '../../dist/config/normalize.js';
import { configSchema } from '../../dist/config/schema.js';
import { configProblems } from '../../dist/config/validate.js';
import { DEFAULTS } from '../../dist/defaults.js';
import { resolveOptions } from '../../dist/service/options.js';

const config = { name: 'hello', script: '/opt/hello/app.js' };
const options = { name: 'hello', pidfile: '/run/hello.pid', logfile: '/var/log/hello.log', run() {} };
const libraryAccepts = (extra) => {
  try {
    resolveOptions({ ...options, ...extra }, undefined, '/opt/hello/app.js');
    return true;
  } catch {
    return false;
  }
};
const configAccepts = async (extra) => (await configProblems({ ...config, ...extra })).length === 0;

test('issue 13: a generated file and the program it starts have the same defaults', () => {
  const n = normalize(config, '/usr/bin/node');
  const o = resolveOptions(options, undefined, '/opt/hello/app.js');
  assert.equal(o.stopTimeoutMs, n.stopTimeout * 1000);
  assert.equal(o.startTimeoutMs, n.startTimeout * 1000);
  assert.equal(o.settleTimeMs, n.settleTime * 1000);
  assert.equal(o.readiness, n.readiness);
  assert.equal(o.logRotation, n.logRotation);
  assert.equal(n.cwd, DEFAULTS.cwd);
  assert.equal(n.umask, DEFAULTS.umask);
  assert.equal(n.pidfile, '/run/hello.pid');
  assert.equal(n.logfile, '/var/log/hello.log');
});

test('issue 13: the schema describes the defaults the table holds', () => {
  const p = configSchema.properties;
  assert.match(p.stopTimeout.description, new RegExp(`Default ${DEFAULTS.stopTimeout}\\.$`));
  assert.match(p.startTimeout.description, new RegExp(`Default ${DEFAULTS.startTimeout}\\.$`));
  assert.match(p.settleTime.description, new RegExp(`Default ${DEFAULTS.settleTime}\\.$`));
  assert.match(p.umask.description, new RegExp(`Default "${DEFAULTS.umask}"\\.$`));
});

test('issue 13: the config schema and the library accept the same names, umasks and accounts', async () => {
  const cases = [
    ...['a', 'a-b.c@d_e', '9x', 'x'.repeat(64), '', '-a', 'a b', 'a/b', 'x'.repeat(65), 'é'].map((name) => ({ name })),
    ...['022', '0027', '777', '22', '0o22', '088', '00022'].map((umask) => ({ umask })),
    ...['www-data', '1000', 'a b', 'u:g', '', 'tab\there'].map((user) => ({ user })),
  ];
  for (const extra of cases) {
    assert.equal(libraryAccepts(extra), await configAccepts(extra), JSON.stringify(extra));
  }
  for (const name of ['PATH', '_x1', '1X', 'A-B', 'é']) {
    assert.equal(libraryAccepts({ env: [name] }), await configAccepts({ env: { [name]: 'v' } }), name);
  }
});

test('issue 13: the service PATH is one: the generated files start node with it, and the library gives it after a user switch', async () => {
  const { SERVICE_PATH } = await import('../../dist/defaults.js');
  const { generate } = await import('../../dist/generate.js');
  const { switchedEnvironment } = await import('../../dist/service/privileges.js');
  const n = normalize(config, '/usr/bin/node');
  for (const target of ['sysv', 'openrc', 'runit', 'daemontools']) {
    const text = (await generate(n, target, () => {})).map((f) => f.content).join('\n');
    const paths = [...text.matchAll(/PATH=([^\s'"]+)/g)].map((m) => m[1]);
    assert.ok(paths.length > 0, target);
    for (const path of paths) assert.equal(path, SERVICE_PATH, target);
  }
  const account = { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent', shell: '/usr/sbin/nologin', groups: [] };
  assert.equal(switchedEnvironment(account, [], { PATH: '/home/evil/bin' }).PATH, SERVICE_PATH);
});
