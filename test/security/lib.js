// Shared by the security tests: a sandbox a root service runs in while `nobody`
// attacks it, the service fixture run as a real process, and cleanup by pid.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxes } from '../helpers/daemons.js';
import { isRoot, runToEnd } from '../helpers/service.js';

export const NOBODY = 65534;
export const asNobody = { uid: NOBODY, gid: NOBODY };
export const SECRET = 'root only: the secret\n';
export const FIXTURE = fileURLToPath(new URL('./fixtures/service.js', import.meta.url));
export const needsRoot = !isRoot && 'needs root: the attacks are by another user on a root start/stop/logs';

/**
 * Sandboxes (0755, so nobody can reach in) with a root-only 0600 victim file; `owned`
 * names the sandbox dirs (run, log, lock) created and handed to nobody.
 */
export function securitySandboxes(prefix) {
  const make = sandboxes(prefix);
  const wrapped = ({ owned = [] } = {}) => {
    const box = make();
    chmodSync(box.dir, 0o755);
    for (const d of owned) {
      mkdirSync(join(box.dir, d), { mode: 0o755 });
      chownSync(join(box.dir, d), NOBODY, NOBODY);
    }
    box.victim = join(box.dir, 'victim');
    writeFileSync(box.victim, SECRET, { mode: 0o600 });
    box.secEnv = (extra = {}) => {
      const env = { PATH: process.env.PATH, SEC_PIDFILE: box.pidfile, SEC_LOGFILE: box.logfile, SEC_VICTIM: box.victim, ...extra };
      // The cleanup's marker (helpers/daemons.js); the fixture takes its options from SEC_*.
      return { ...env, FIXTURE_PIDFILE: env.SEC_PIDFILE, FIXTURE_LOGFILE: env.SEC_LOGFILE };
    };
    return box;
  };
  wrapped.track = make.track;
  return wrapped;
}

/**
 * Run the fixture with `args` to completion: { code, signal, stdout, stderr }. A run
 * that outlives `limitMs` is killed (signal SIGKILL), so a hang fails the test instead
 * of outliving it.
 */
export function runFixture(args, { env, limitMs = 120_000, ...options } = {}) {
  return runToEnd(process.execPath, [FIXTURE, ...args], { env, timeout: limitMs, killSignal: 'SIGKILL', ...options });
}

/** Run a shell command as nobody; throws with its stderr when it fails. */
export function shAsNobody(script, ...args) {
  const r = spawnSync('sh', ['-c', script, 'sh', ...args], { ...asNobody, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`as nobody: ${script}: ${r.stderr}`);
  return r.stdout;
}
