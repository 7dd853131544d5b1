// Real processes and files for the unit tests of src/service: a start time read the
// way the kernel reports it (independent of src/service/proc.ts, so it can catch that
// module), `sh -c SCRIPT` leading its own session and group as the daemon does, and a
// scratch directory cleaned up with the processes the test started.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { killHard } from './service.js';

/** Field 22 of /proc/PID/stat (starttime), counted after the command name's last ")". */
export function startTicksOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/**
 * `sh -c SCRIPT` in a session and group of its own, whose first line names the pids it
 * wants known (its workers). Every pid goes into `started`, for the test's cleanup.
 * Resolves { pid, ticks, pids, exit }: `ticks` is the leader's start time, `exit`
 * resolves to its signal name or exit code.
 */
export async function spawnGroup(script, started) {
  const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  started.push(child.pid);
  // now, before the event loop can reap it: a leader that exits at once is still there (a zombie at worst)
  const ticks = startTicksOf(child.pid);
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const line = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    // not on 'exit': the line can still be in the pipe then (seen as a missing pid)
    child.stdout.once('end', () => resolve(out));
  });
  const pids = line.split(' ').filter((word) => /^\d+$/.test(word)).map(Number);
  pids.forEach((pid) => started.push(pid));
  return { pid: child.pid, ticks, pids, exit };
}

/**
 * A temporary directory for one test file, removed after it, with the processes the
 * file started (push their pids into `started`) killed by pid. `dir()` makes a fresh
 * subdirectory, 0755 whatever the umask, as a pid directory is.
 */
export function scratch(prefix) {
  const top = mkdtempSync(join(tmpdir(), prefix));
  const started = [];
  after(() => {
    started.forEach(killHard);
    rmSync(top, { recursive: true, force: true });
  });
  let n = 0;
  return {
    started,
    dir() {
      const dir = join(top, String(n++));
      mkdirSync(dir);
      chmodSync(dir, 0o755);
      return dir;
    },
  };
}
