// contract §5: every golden file passes the real tools that read its format
// (the validators in ../shared/validate). The safety net under every target.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

const absent = !existsSync(VALIDATE) && `validators not found at ../shared/validate relative to the repository`;
const { available } = await targets();

for (const { name } of available) {
  const validator = VALIDATORS[name];
  if (!validator) continue;
  for (const caseName of CASES) {
    const subjects = validator.dirs ? serviceDirs(name, caseName) : files(name, caseName, validator.pick);
    test(`validate ${name}/${caseName}`, { skip: absent || (subjects.length === 0 && 'no golden files yet') }, () => {
      for (const subject of subjects) {
        const run = spawnSync('bash', [join(VALIDATE, `${name}.sh`), ...validator.flags, subject], { encoding: 'utf8' });
        assert.notEqual(run.status, 3, `${name}.sh: a tool is missing (run install-deps.sh):\n${run.stderr}`);
        assert.equal(run.status, 0, `${name}.sh rejects ${subject}:\n${run.stdout}${run.stderr}`);
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
