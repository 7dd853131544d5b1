#!/usr/bin/env node
// The test command (npm test, npm run test:stress): node's test runner with the
// spec reporter, then ONE summary of every skipped test with its reason and the
// command that would make it run, and a closing "N passed, N failed, N skipped".
//
//   node test/run.js             every test/**/*.test.js outside test/stress
//   node test/run.js --stress    test/stress, one file at a time
//   node test/run.js FILE...     just those files
//
// Strict mode (CI=true, or INITGEN_TEST_STRICT=1): a test skipped for a missing
// capability (a reason that starts with "needs ": a tool, root, a kernel feature)
// counts as failed, so a missing tool can never hide a check.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const stress = args.includes('--stress');
const explicit = args.filter((a) => !a.startsWith('--'));
export const strict = process.env.CI === 'true' || process.env.INITGEN_TEST_STRICT === '1';

function testFiles(dir) {
  const out = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory() && e.name !== 'node_modules') out.push(...testFiles(rel));
    else if (e.isFile() && e.name.endsWith('.test.js')) out.push(rel);
  }
  return out;
}
const files = explicit.length ? explicit : stress ? testFiles('test/stress').sort() : testFiles('test').filter((f) => !f.startsWith('test/stress/')).sort();

/** What would make a skipped test run, from the convention of its reason. */
export function enabler(reason) {
  if (/^needs root/.test(reason)) return 'run the suite as root (sudo npm test)';
  if (/CAP_SYS_RESOURCE/.test(reason)) return 'run as root where the hard limit can be raised (a machine or container that keeps CAP_SYS_RESOURCE)';
  if (/writable \/tmp/.test(reason)) return 'chmod 1777 /tmp (as root; it is so on a stock system)';
  if (/CAP_SYS_ADMIN|mount/.test(reason)) return 'run as root where mount(2) is allowed (a machine or container that keeps CAP_SYS_ADMIN)';
  if (/Debian package|install-deps|util-linux/.test(reason)) return 'bash test/tools/install-deps.sh (as root)';
  const built = /not built|npm run build/.test(reason);
  return built ? 'npm run build' : undefined;
}

/** A skip for something this machine lacks (strict mode fails it), as opposed to one that is by design. */
export const isCapabilitySkip = (reason) => /^needs /.test(reason);

// Tools such as insserv and logrotate live in sbin directories, which a non-root
// PATH on Debian lacks: the tests find them all the same.
const PATH = (process.env.PATH ?? '').split(':').filter(Boolean);
for (const dir of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!PATH.includes(dir)) PATH.push(dir);

// A test or a generated script that "corrects" the directory of a pid or log file
// placed directly in /tmp would chmod /tmp itself (it happened: 1777 became 0755,
// and every other user lost /tmp). Record the shared temporary directories' modes
// and fail the run if any changed.
const SHARED_DIRS = [...new Set(['/tmp', tmpdir()])];
const modeOf = (dir) => {
  try {
    return statSync(dir).mode & 0o7777;
  } catch {
    return undefined;
  }
};
const sharedModes = new Map(SHARED_DIRS.map((dir) => [dir, modeOf(dir)]));

const work = mkdtempSync(join(tmpdir(), 'initgen-test-run-'));
const record = join(work, 'results.jsonl');
const child = spawn(process.execPath, [
  '--test', `--test-concurrency=${stress ? 1 : 2}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  `--test-reporter=${join(ROOT, 'test/reporter.js')}`, `--test-reporter-destination=${record}`,
  ...files,
], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PATH: PATH.join(':') } });
const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));

let results = [];
try {
  results = readFileSync(record, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
} catch {}
rmSync(work, { recursive: true, force: true });

const skipped = results.filter((r) => r.skip !== undefined);
const failed = results.filter((r) => r.outcome === 'fail');
const passed = results.filter((r) => r.outcome === 'pass' && r.skip === undefined && r.todo === undefined);
const strictFailures = strict ? skipped.filter((r) => isCapabilitySkip(r.skip)) : [];

const out = [];
if (skipped.length) {
  out.push('', `Skipped tests (${skipped.length}):`);
  const byReason = new Map();
  for (const r of skipped) {
    const reason = r.skip || '(no reason given)';
    if (!byReason.has(reason)) byReason.set(reason, []);
    byReason.get(reason).push(r);
  }
  for (const [reason, tests] of byReason) {
    const how = enabler(reason);
    const mark = strict && isCapabilitySkip(reason) ? 'FAIL (strict mode) ' : '';
    out.push(`- ${mark}${reason}${how ? `\n    to run them: ${how}` : ''}`);
    for (const t of tests) out.push(`    ${t.file ? `${relative(ROOT, t.file)}: ` : ''}${t.name}`);
  }
}
if (strictFailures.length) {
  out.push('', `Strict mode (${process.env.CI === 'true' ? 'CI=true' : 'INITGEN_TEST_STRICT=1'}): ${strictFailures.length} test(s) skipped for a missing capability count as failed.`);
}
const changedShared = [...sharedModes].filter(([dir, mode]) => modeOf(dir) !== mode);
for (const [dir, mode] of changedShared) {
  const now = modeOf(dir);
  out.push('', `The mode of ${dir} changed during the run: ${mode?.toString(8) ?? 'missing'} -> ${now?.toString(8) ?? 'missing'} (a test or a script it ran changed a shared directory; restore it with chmod ${mode?.toString(8)} ${dir}).`);
}
const failCount = failed.length + strictFailures.length + changedShared.length;
const skipCount = skipped.length - strictFailures.length;
out.push('', `${passed.length} passed, ${failCount} failed, ${skipCount} skipped`);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(code !== 0 ? code : failCount > 0 ? 1 : 0);
