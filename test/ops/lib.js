// Shared by the operations tests: a temp dir per service, its actions as real
// processes, and an `after` that ends every daemon a test started, by pid.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAlive, killHard, runToEnd } from '../helpers/service.js';
import { readablePath } from '../helpers/readable-tree.js';
export { freePort } from '../helpers/free-port.js';

export const APP = fileURLToPath(new URL('./app.js', import.meta.url));
export const isRoot = process.getuid?.() === 0;

const boxes = [];
after(() => {
  for (const box of boxes) {
    const pid = box.pid();
    if (pid && isAlive(pid)) killHard(pid);
    rmSync(box.dir, { recursive: true, force: true });
  }
});

export function opsBox(extra = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-ops-'));
  const box = {
    dir,
    pidfile: join(dir, 'run', 'opsapp.pid'),
    logfile: join(dir, 'log', 'opsapp.log'),
    record: join(dir, 'record'),
    vars: { ...extra },
    env(more = {}) {
      return { PATH: process.env.PATH, OPS_PIDFILE: this.pidfile, OPS_LOGFILE: this.logfile, OPS_RECORD: this.record, ...this.vars, ...more };
    },
    pid() {
      try {
        return Number(readFileSync(this.pidfile, 'utf8')) || undefined;
      } catch {
        return undefined;
      }
    },
    records() {
      return existsSync(this.record) ? readFileSync(this.record, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    },
    run(args, more = {}) {
      return run(process.execPath, [APP, ...args], { env: this.env(more) });
    },
  };
  boxes.push(box);
  return box;
}

/** Run to completion: { code, signal, stdout, stderr }. */
export const run = runToEnd;

/** Whether `command` is on PATH. */
export function hasCommand(command) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)));
}

const MONITORING_DOC = new URL('../../docs/monitoring.md', import.meta.url);

/** The fenced block tagged `tag` in docs/monitoring.md, as published. */
export function monitoringBlock(tag) {
  const block = new RegExp('```' + tag + '\\n([\\s\\S]*?)```').exec(readFileSync(MONITORING_DOC, 'utf8'));
  if (!block) throw new Error(`docs/monitoring.md has no \`\`\`${tag} block`);
  return block[1];
}

/**
 * The app as the monitoring system's user (Debian's `nagios`) reaches it: a checkout may
 * be private (a CI runner's clone is often 0700), and then that user runs a readable copy.
 */
export function monitoredApp() {
  return readablePath('test/ops/app.js');
}

/** The published `/usr/bin/node /opt/hello/app.js`, as a command that runs `box`'s service. */
export function serviceCommand(box) {
  return `/usr/bin/env OPS_PIDFILE=${box.pidfile} OPS_LOGFILE=${box.logfile} ${process.execPath} ${monitoredApp()}`;
}

/**
 * The account a monitoring daemon runs its checks as: as root the distribution's
 * monitoring user (the daemon drops to it), else the caller. { user, group, uid, gid },
 * or undefined when that user does not exist.
 */
export function monitoringAccount(rootUser = 'nagios') {
  const user = isRoot ? rootUser : userInfo().username;
  const id = (flag) => spawnSync('id', [flag, user], { encoding: 'utf8' });
  const [uid, gid, group] = [id('-u'), id('-g'), id('-gn')];
  if ([uid, gid, group].some((r) => r.status !== 0)) return undefined;
  return { user, group: group.stdout.trim(), uid: Number(uid.stdout), gid: Number(gid.stdout) };
}
