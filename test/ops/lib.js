// Shared by the operations tests: a temp dir per service, its actions as real
// processes, and an `after` that ends every daemon a test started, by pid.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAlive, killHard, runToEnd } from '../helpers/service.js';

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
