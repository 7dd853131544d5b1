// contract §5: every golden file passes the real tools that read its format,
// through the format checks in test/formats/ (one per target, found through the
// target registry). A target without a format check fails here: a new target can
// never go unchecked. A check that cannot run here (a tool missing) skips with
// the tool and the command that installs it; strict mode (CI) fails on that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cannotCheck, formatCheck, subjects } from '../formats/index.js';
import { GOLDEN_DIR, readGolden, RECORDS, targets, CASES } from './harness.js';

const { available } = await targets();

for (const { name } of available) {
  const mod = await formatCheck(name);
  if (!mod) {
    test(`validate ${name}: a format check exists`, () => {
      assert.fail(`target ${name} has no format check: write test/formats/${name}.js (see test/formats/index.js)`);
    });
    continue;
  }
  const cannot = await cannotCheck(name);
  for (const caseName of CASES) {
    test(`validate ${name}/${caseName}: ${mod.description}`, { skip: cannot }, async (t) => {
      const paths = [...readGolden(name, caseName).keys()].filter((p) => !RECORDS.includes(p));
      const picked = subjects(mod, paths).map((p) => join(GOLDEN_DIR, name, caseName, p));
      assert.ok(picked.length > 0, `no golden ${name} file for ${caseName} that the format check takes (${paths.join(', ')})`);
      const reports = name === 'systemd'
        ? [await mod.check(picked, mod.goldenOptions)]
        : await Promise.all(picked.map((s) => mod.check(s, mod.goldenOptions)));
      for (const r of reports) {
        assert.notEqual(r.status, 1, r.output);
        if (r.status === 3) return t.skip(r.cannot);
      }
    });
  }
}

// An extra cross-check, never required and never run by CI: whoever has a folder of
// independent validator scripts (NAME.sh FILE|DIR, exit 0 when valid) may point
// INITGEN_CROSS_CHECK at it, and every golden file must pass those too.
const CROSS = process.env.INITGEN_CROSS_CHECK;
const CROSS_FLAGS = { systemd: ['--allow-missing-exec'], runit: ['--static'], daemontools: ['--static'] };
if (CROSS) {
  for (const { name } of available) {
    const mod = await formatCheck(name);
    const script = join(CROSS, `${name}.sh`);
    if (!mod || !existsSync(script)) continue;
    for (const caseName of CASES) {
      test(`cross-check ${name}/${caseName} with ${script}`, () => {
        const paths = [...readGolden(name, caseName).keys()].filter((p) => !RECORDS.includes(p));
        for (const p of subjects(mod, paths)) {
          const subject = join(GOLDEN_DIR, name, caseName, p);
          const run = spawnSync('bash', [script, ...(CROSS_FLAGS[name] ?? []), subject], { encoding: 'utf8', timeout: 180_000 });
          const failures = `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.includes(': FAIL: ')).filter((l) => !percentFault(name, l, subject) && !limitFault(name, l, run.stderr));
          assert.ok(run.status === 0 || (run.status === 1 && failures.length === 0), `${script} rejects ${subject}:\n${run.stdout}${run.stderr}`);
        }
      });
    }
  }
}

/**
 * systemd-sysv-generator writes `%` as `%%` in Description= (specifier escaping, as
 * it should); a validator that compares that with the raw Short-Description reports
 * a difference that belongs to the validator, matched exactly here.
 */
function percentFault(name, line, subject) {
  if (name !== 'sysv') return false;
  const short = /^# Short-Description: (.*)$/m.exec(readFileSync(subject, 'utf8'))?.[1] ?? '';
  return short.includes('%') && line.endsWith(`(got Description=LSB: ${short.replaceAll('%', '%%')})`);
}

/** openrc-run applies rc_ulimit for every action; where root cannot raise the hard limit, that failure is this machine's. */
function limitFault(name, line, stderr) {
  return name === 'openrc' && /openrc-run '(describe|depend)'/.test(line) && stderr.includes('ulimit: error setting limit');
}
