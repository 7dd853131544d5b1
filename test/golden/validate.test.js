// contract §5: every golden file passes the real tools that read its format
// (the validators in ../shared/validate). The safety net under every target.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GOLDEN_DIR, readGolden, RECORDS, targets, CASES } from './harness.js';

const VALIDATE = fileURLToPath(new URL('../../../shared/validate/', import.meta.url));

/** For each target: validator flags, and which golden files (or service dirs) it takes. */
const VALIDATORS = {
  sysv: { flags: [], pick: (path) => !RECORDS.includes(path) },
  openrc: { flags: [], pick: (path) => !RECORDS.includes(path) },
  upstart: { flags: [], pick: (path) => path.endsWith('.conf') },
  smf: { flags: [], pick: (path) => path.endsWith('.xml') },
  launchd: { flags: [], pick: (path) => path.endsWith('.plist') },
  systemd: { flags: ['--allow-missing-exec'], pick: (path) => /\.(service|socket|timer|target|path)$/.test(path) },
  runit: { flags: ['--static'], dirs: true },
  daemontools: { flags: ['--static'], dirs: true },
};

/**
 * Failures that belong to the validator or to this machine, not to the file. Each is
 * matched exactly, so any other failure still fails the test.
 * - systemd-sysv-generator writes `%` as `%%` in Description= (systemd specifier escaping,
 *   correct), and sysv.sh compares that with the raw Short-Description.
 */
function knownValidatorFault(name, line, subject) {
  if (name !== 'sysv') return false;
  const short = /^# Short-Description: (.*)$/m.exec(readFileSync(subject, 'utf8'))?.[1] ?? '';
  return short.includes('%') && line.endsWith(`did not take Short-Description from the header (got Description=LSB: ${short.replaceAll('%', '%%')})`);
}

/** openrc-run applies rc_ulimit even for `depend`; it cannot raise the limit above this machine's hard limit. */
function beyondHardLimit(name, caseName) {
  if (name !== 'openrc') return false;
  const wanted = JSON.parse(readFileSync(join(GOLDEN_DIR, 'cases', `${caseName}.json`), 'utf8')).nofile;
  const hard = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim());
  return wanted !== undefined && Number.isFinite(hard) && wanted > hard && `nofile ${wanted} exceeds this machine's hard limit ${hard}; openrc-run cannot apply it here`;
}

const absent = !existsSync(VALIDATE) && `validators not found at ../shared/validate relative to the repository`;
const { available } = await targets();

for (const { name } of available) {
  const validator = VALIDATORS[name];
  if (!validator) continue;
  for (const caseName of CASES) {
    const subjects = validator.dirs ? serviceDirs(name, caseName) : files(name, caseName, validator.pick);
    const skip = absent || (subjects.length === 0 && 'no golden files yet') || beyondHardLimit(name, caseName);
    test(`validate ${name}/${caseName}`, { skip }, () => {
      for (const subject of subjects) {
        const run = spawnSync('bash', [join(VALIDATE, `${name}.sh`), ...validator.flags, subject], { encoding: 'utf8' });
        assert.notEqual(run.status, 3, `${name}.sh: a tool is missing (run install-deps.sh):\n${run.stderr}`);
        if (run.status === 0) continue;
        const failures = run.stderr.split('\n').filter((line) => line.includes(': FAIL: '));
        const unexplained = failures.filter((line) => !knownValidatorFault(name, line, subject));
        assert.ok(failures.length > 0 && unexplained.length === 0, `${name}.sh rejects ${subject}:\n${run.stdout}${run.stderr}`);
      }
    });
  }
}

function files(name, caseName, pick) {
  return [...readGolden(name, caseName)].filter(([path]) => pick(path)).map(([, f]) => f.abs);
}

// A service directory is a folder holding an executable `run`.
function serviceDirs(name, caseName) {
  const root = join(GOLDEN_DIR, name, caseName);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((entry) => join(root, entry))
    .filter((dir) => statSync(dir).isDirectory() && existsSync(join(dir, 'run')));
}
