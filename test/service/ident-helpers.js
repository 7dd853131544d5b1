// Shared by the identity, process-group, directory and status-agreement tests: a
// sandbox for test/fixtures/ident-app.js, its actions as real processes, the
// generated SysV script's status for the same pid file, and cleanup by pid.
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { killAllWith, processesWith } from '../helpers/daemons.js';
import { killHard, makeSandbox, runAction } from '../helpers/service.js';
import { readablePath } from '../helpers/readable-tree.js';
import { target } from '../../dist/targets/sysv.js';
import { writeScript } from '../targets/sysv-harness.js';

export const IDENT_APP = fileURLToPath(new URL('../fixtures/ident-app.js', import.meta.url));
export const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const NOBODY = 65534;

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), as a string. */
export function startTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** Sandboxes for one test file; their processes (found by environment) end after it. */
export function identSandboxes(prefix) {
  const boxes = [];
  after(() => {
    for (const box of boxes) {
      killAllWith(box.marker);
      box.remove();
    }
  });
  return (extra = {}) => {
    const box = makeSandbox(prefix);
    chmodSync(box.dir, 0o755); // status runs as nobody in some tests
    // by the sandbox, not the pid file: some tests give the program another pid file
    box.marker = `IDENT_BOX=${box.dir}`;
    box.idfile = `${box.pidfile}.id`;
    box.identEnv = (more = {}) => ({ PATH, IDENT_BOX: box.dir, IDENT_PIDFILE: box.pidfile, IDENT_LOGFILE: box.logfile, ...extra, ...more });
    box.act = (args, { uid, more } = {}) =>
      runAction(args, {
        env: box.identEnv(more),
        script: uid === undefined ? IDENT_APP : readablePath('test/fixtures/ident-app.js'),
        ...(uid !== undefined && { uid, gid: uid }),
      });
    box.processes = () => processesWith(box.marker);
    box.killAll = () => box.processes().forEach(killHard);
    /** The generated SysV script's status (pure sh: node is never started). */
    box.sysvStatus = ({ uid, lockfile } = {}) => {
      const sysv = writeScript(target, { name: 'ident-app', script: IDENT_APP, node: '/nonexistent/node', pidfile: box.pidfile, logfile: box.logfile, ...(lockfile && { lockfile }) }, box.dir, `sysv-${lockfile ? 'lock' : 'plain'}`);
      const r = spawnSync(sysv, ['status'], { env: { PATH }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, ...(uid !== undefined && { uid, gid: uid }) });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    boxes.push(box);
    return box;
  };
}

export const pidIn = (file) => {
  try {
    return Number(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};
