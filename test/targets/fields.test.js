// issue 12: every field a user sets is either used or warned about. For every
// target and every config field (and each key of the object fields), a value other
// than the default must change the rendered files or produce a warning naming the
// field, unless the target's field table declares the field `ignored` (no use for
// it, shown as "–" in docs/targets.md). The warning for an `unsupported` field
// comes from the field table (src/generate.ts), never from a hand-written list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFIG_FIELDS } from '../../dist/config/schema.js';
import { validateConfig } from '../../dist/config/validate.js';
import { normalize } from '../../dist/config/normalize.js';
import { generate } from '../../dist/generate.js';
import { TARGET_NAMES, loadTarget } from '../../dist/targets/registry.js';

const BASE = { name: 'hello', script: '/opt/hello/app.js', node: '/usr/bin/node' };

/** Values other than the defaults; object fields one key at a time. */
const VARIANTS = {
  name: [{ name: 'other' }],
  description: [{ description: 'Another description' }],
  longDescription: [{ longDescription: 'A longer description of it.' }],
  script: [{ script: '/opt/other/app.js' }],
  args: [{ args: ['--port', '80'] }],
  node: [{ node: '/opt/node/bin/node' }],
  user: [{ user: 'nobody' }],
  group: [{ group: 'nogroup' }],
  cwd: [{ cwd: '/srv/hello' }],
  env: [{ env: { GREETING: 'hi' } }],
  umask: [{ umask: '077' }],
  pidfile: [{ pidfile: '/run/other/other.pid' }],
  logfile: [{ logfile: '/var/log/other/other.log' }],
  dependencies: [{ dependencies: ['network'] }, { dependencies: ['time'] }, { dependencies: ['postgresql'] }],
  runlevels: [{ runlevels: { start: ['3', '5'] } }, { runlevels: { stop: ['0', '6'] } }],
  respawn: [{ respawn: { enabled: false } }, { respawn: { count: 3 } }, { respawn: { seconds: 30 } }],
  // $base: compared with BASE plus these, e.g. SMF's contract model, whose output readiness used not to change
  readiness: [{ readiness: 'explicit' }, { $base: { smf: { model: 'contract' } }, readiness: 'explicit' }],
  lockfile: [{ lockfile: '/var/lock/subsys/hello' }, { $base: { smf: { model: 'contract' } }, lockfile: '/var/lock/subsys/hello' }],
  startTimeout: [{ startTimeout: 90 }],
  settleTime: [{ settleTime: 2 }, { settleTime: 0 }],
  stopTimeout: [{ stopTimeout: 42 }],
  nice: [{ nice: 3 }],
  nofile: [{ nofile: 1234 }],
  launchd: [{ launchd: { label: 'org.example.hello' } }, { launchd: { kind: 'agent' } }],
  smf: [{ smf: { model: 'contract' } }, { smf: { fmriPrefix: 'application' } }],
  hardening: [
    { hardening: { sandbox: false } }, { hardening: { protectSystem: 'strict' } }, { hardening: { protectHome: true } },
    { hardening: { systemCallFilter: true } }, { hardening: { bindLowPorts: true } },
  ],
  logRotation: [{ logRotation: 'writer' }],
  logMaxSize: [{ logMaxSize: 10485760 }],
  logKeep: [{ logKeep: 3 }],
  program: [{ program: 'plain' }],
};


async function rendered(data) {
  const warnings = [];
  const config = normalize(await validateConfig(data, 'test'), '/usr/bin/node');
  return { config, warnings, warn: (m) => warnings.push(m) };
}

async function output(targetName, data) {
  const r = await rendered(data);
  const files = await generate(r.config, targetName, r.warn);
  return { files: JSON.stringify(files.map((f) => [f.installPath, f.mode, f.content])), warnings: r.warnings };
}

test('every config field has variants here', () => {
  assert.deepEqual(Object.keys(VARIANTS).sort(), [...CONFIG_FIELDS].sort());
});

for (const targetName of TARGET_NAMES) {
  test(`${targetName}: every field set to a non-default value changes the output or is warned about`, async () => {
    const target = await loadTarget(targetName);
    const base = await output(targetName, BASE);
    assert.deepEqual(base.warnings, [], 'a minimal config warns about nothing');
    const silent = [];
    for (const field of CONFIG_FIELDS) {
      if (target.fields[field].support === 'ignored') continue;
      for (const { $base = {}, ...variant } of VARIANTS[field]) {
        const before = $base === undefined || Object.keys($base).length === 0 ? base : await output(targetName, { ...BASE, ...$base });
        const out = await output(targetName, { ...BASE, ...$base, ...variant });
        const named = out.warnings.some((w) => w.includes(`field \`${field}\``));
        const warnedBefore = before.warnings.some((w) => w.includes(`field \`${field}\``));
        if (out.files === before.files && (!named || warnedBefore)) silent.push(JSON.stringify({ ...$base, ...variant }));
        if (target.fields[field].support === 'unsupported' && !named) silent.push(`${JSON.stringify(variant)} (unsupported, no warning)`);
      }
    }
    assert.deepEqual(silent, [], `${targetName}: set, but neither used nor warned about`);
  });
}
