// Shared by the stress tests: sizes scaled by STRESS_SCALE, the figures file that
// report.js prints and docs/reliability.md quotes, and phase pauses (pause-hook.js).
import { spawn, spawnSync } from 'node:child_process';
import { after } from 'node:test';
import { chmodSync, closeSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../helpers/service.js';

/** STRESS_SCALE=0.2 runs a fifth of every size; the defaults are the numbers. */
export const SCALE = Number(process.env.STRESS_SCALE ?? 1) || 1;
export const scaled = (n, min = 1) => Math.max(min, Math.round(n * SCALE));
export const FIGURES = process.env.STRESS_FIGURES ?? join(tmpdir(), 'initgen-stress-figures.json');
export const PAUSE_HOOK = fileURLToPath(new URL('./pause-hook.js', import.meta.url));
export const isRoot = process.getuid() === 0;
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A private copy of the built package and the test fixtures, so a rebuild of dist/
 * while the stress run goes on cannot make a daemon fail to load. Returns the copy's
 * test/fixtures/service.js; the fixture's `import 'initgen'` resolves to the copy.
 */
export function snapshot() {
  const root = mkdtempSync(join(tmpdir(), 'initgen-snapshot-'));
  chmodSync(root, 0o755); // tests run some actions as another user
  cpSync(join(REPO, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
  mkdirSync(join(root, 'test'));
  cpSync(join(REPO, 'test/fixtures'), join(root, 'test/fixtures'), { recursive: true });
  cpSync(join(REPO, 'test/stress/fixtures'), join(root, 'test/stress/fixtures'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  after(() => rmSync(root, { recursive: true, force: true }));
  return { root, fixture: join(root, 'test/fixtures/service.js'), writer: join(root, 'test/stress/fixtures/writer.js') };
}

/** Merge one section of figures into the figures file, with the command that made them. */
export function record(section, figures) {
  let all = {};
  try {
    all = JSON.parse(readFileSync(FIGURES, 'utf8'));
  } catch {}
  all[section] = { ...figures, scale: SCALE, at: new Date().toISOString(), command: `STRESS_SCALE=${SCALE} npm run test:stress` };
  writeFileSync(FIGURES, `${JSON.stringify(all, null, 2)}\n`);
}

export { killAllWith, processesWith } from '../helpers/daemons.js';

/**
 * Phase pauses: a process started with pauseEnv(dir, phase) stops at that phase,
 * says so in DIR/PHASE.reached (its pid), and waits on the FIFO DIR/PHASE.fifo.
 */
export function pauseDir() {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-pause-'));
  return dir;
}

export function pauseEnv(dir, phase) {
  const fifo = join(dir, `${phase}.fifo`);
  if (!existsSync(fifo)) {
    const r = spawnSync('mkfifo', [fifo]);
    if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
  }
  return { NODE_OPTIONS: `--import=${PAUSE_HOOK}`, STRESS_PAUSE: phase, STRESS_PAUSE_DIR: dir };
}

/** The pid paused at `phase`, or undefined while none is. */
export function pausedAt(dir, phase) {
  try {
    return Number(readFileSync(join(dir, `${phase}.reached`), 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

/** Let the paused process go on; false when nobody is waiting on the FIFO. */
export function release(dir, phase) {
  let fd;
  try {
    // O_NONBLOCK: with no reader, open fails (ENXIO) instead of hanging the test.
    fd = openSync(join(dir, `${phase}.fifo`), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  closeSync(fd);
  return true;
}

/** Children of a pid, from /proc (Linux ≥ 3.5). */
export function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Run `action` with a pause at `phase`, deliver `signal` to the controller (to its
 * whole process group when `group`, as a terminal's Ctrl-C does), let a paused
 * daemon go on, and wait until the daemon has either published its pid file or died.
 * Returns what was observed at the moment of the kill.
 */
export async function interruptAt({ script, env, box, action, phase, signal, group = false, waitFor }) {
  const dir = pauseDir();
  const controller = spawn(process.execPath, [script, action], { env: { ...env, ...pauseEnv(dir, phase) }, stdio: 'ignore', detached: true });
  const exited = new Promise((resolve) => controller.once('exit', (code, sig) => resolve(sig ?? code)));
  const paused = await waitFor(() => pausedAt(dir, phase), `${action} to reach ${phase}`);
  const seen = { phase, signal, pidfileAtKill: existsSync(box.pidfile), daemonAtKill: paused !== controller.pid ? paused : undefined };
  process.kill(group ? -controller.pid : controller.pid, signal);
  // A start catches SIGINT, SIGTERM and SIGHUP (to stop what it spawned): held in a
  // blocking call, it can act on them only once it goes on. Uncaught, the signal ends it anyway.
  if (paused === controller.pid) release(dir, phase);
  seen.controllerEnded = await exited;
  if (paused !== controller.pid) {
    release(dir, phase);
    const daemon = paused;
    await waitFor(() => !isAlive(daemon) || existsSync(box.pidfile), 'the orphaned daemon to publish its pid file or die');
  }
  rmSync(dir, { recursive: true, force: true });
  return seen;
}
