// Finding a sandbox's daemons by what the kernel says about them, not by what
// the library says: the process title (contract §4) and the environment it was
// started with, which holds the sandbox's own pid file path.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { after } from 'node:test';
import { isAlive, killHard, makeSandbox, procState } from './service.js';

function readNulList(path) {
  try {
    return readFileSync(path, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Live (non-zombie) processes titled `name` whose environment names this sandbox's pid file. */
export function daemonsOf(box, name = 'fixture') {
  const marker = `FIXTURE_PIDFILE=${box.pidfile}`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const state = procState(pid);
      if (state === undefined || state === 'Z' || state === 'X') return false;
      return readNulList(`/proc/${pid}/cmdline`)[0] === name && readNulList(`/proc/${pid}/environ`).includes(marker);
    });
}

/**
 * A sandbox maker for one test file: after its tests, every process whose environment
 * names a sandbox's pid file (its daemons, followers, orphans) and the extra pids
 * registered with `track` are killed, and the sandboxes removed.
 */
export function sandboxes(prefix) {
  const boxes = [];
  const pids = [];
  after(() => {
    pids.forEach(killHard);
    for (const box of boxes) {
      daemonsOf(box).forEach(killHard);
      killAllWith(`FIXTURE_PIDFILE=${box.pidfile}`);
      box.remove();
    }
  });
  const make = () => {
    const box = makeSandbox(prefix);
    boxes.push(box);
    return box;
  };
  make.track = (pid) => pids.push(pid);
  return make;
}

/** Every live process whose environment holds `marker` (NAME=VALUE): ours to end. */
export function processesWith(marker) {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => pid !== process.pid && isAlive(pid) && readNulList(`/proc/${pid}/environ`).includes(marker));
}

export function killAllWith(marker) {
  for (const pid of processesWith(marker)) killHard(pid);
}

/** Fields of /proc/PID/stat after the command name (field 3 is index 0). */
export function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The `Key:` lines of /proc/PID/status as { Key: 'value' }. */
export function procStatus(pid) {
  const out = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'latin1').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return out;
}

export function procLink(pid, what) {
  return readlinkSync(`/proc/${pid}/${what}`);
}
