// Loaded with `node --import` into a controlling process (and, through NODE_OPTIONS,
// into the daemon it spawns) to hold it at one phase of start or stop, so a test can
// kill it exactly there. It changes nothing in the library: it wraps the builtins the
// library calls. STRESS_PAUSE names the phase; STRESS_PAUSE_DIR holds PHASE.fifo.
import childProcess from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

const phase = process.env.STRESS_PAUSE;
const dir = process.env.STRESS_PAUSE_DIR;
const isDaemon = process.argv.includes('--initgen-daemon');

function pause() {
  fs.writeFileSync(join(dir, `${phase}.reached`), String(process.pid));
  // Opening a FIFO for reading blocks until the test opens it for writing: no polling, no timers.
  fs.closeSync(fs.openSync(join(dir, `${phase}.fifo`), 'r'));
}

if (phase && dir) {
  if (!isDaemon && phase === 'before-spawn') {
    const spawn = childProcess.spawn;
    childProcess.spawn = function (...args) {
      pause();
      return spawn.apply(this, args);
    };
  }
  if (isDaemon && phase === 'after-spawn') pause(); // the daemon exists; it has not written its pid file
  if (isDaemon && phase === 'after-pidfile') {
    // the pid file is published; readiness is written to fd 3 next
    const writeSync = fs.writeSync;
    fs.writeSync = function (fd, ...rest) {
      if (fd === 3) pause();
      return writeSync.call(this, fd, ...rest);
    };
  }
  if (!isDaemon && (phase === 'before-signal' || phase === 'after-signal')) {
    const kill = process.kill;
    let first = true;
    process.kill = function (pid, signal) {
      const term = first && (signal === 'SIGTERM' || signal === 15);
      if (term) first = false;
      if (term && phase === 'before-signal') pause();
      const result = kill.call(process, pid, signal);
      if (term && phase === 'after-signal') pause();
      return result;
    };
  }
  syncBuiltinESMExports();
}
