// Mutual exclusion between controlling processes (start, stop, restart) of one
// service: flock(2) on a lock file next to the pid file (docs/design.md, "Lock").
//
// The lock file is PIDFILE.lock, opened here without following a symbolic link and
// checked on the descriptor: a regular file with one link, owned by us, writable by
// no one else. Node has no flock(), so util-linux `flock` takes the lock on our open
// file description, given to it as its fd 3, and exits: the lock then belongs to the
// description we keep. Closing it releases the lock, and so does our death, even by
// SIGKILL; no other process's open or connection can delay that, and only those who
// may open the file for writing (the service's managers) can take it. A path through
// a symbolic link to the same directory (/var/run -> /run) names the same inode, so
// the same lock.
//
// An abstract-namespace socket did this before: it has no permissions, so any user
// could bind the name first (every start/stop waited out the timeout) or keep a
// connection open (close() waited for it forever). It remains only as the fallback
// on Linux systems without util-linux `flock`.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fs } from './builtins.js';
import { ServiceFailure } from './outcome.js';
import { ensureTrustedDirectory } from './trusted-path.js';

export interface Lock {
  release(): Promise<void>;
}

/**
 * Absolute paths only: the caller's PATH is not ours to trust as root. util-linux
 * installs flock(1) in /usr/bin (and /bin, the same directory on merged-/usr systems).
 */
const FLOCK_BINARIES = ['/usr/bin/flock', '/bin/flock'];

/** The lock file of the service whose pid file is `pidfile`. */
function lockPath(pidfile: string): string {
  return `${pidfile}.lock`;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  // "ENOSPC: no space left on device, open '/x'" -> "no space left on device"
  return /^[A-Z0-9]+: ([^,]+)/.exec((error as Error).message)?.[1] ?? (error as Error).message;
}

function privilegeOrGeneric(error: unknown): 'insufficientPrivilege' | 'genericError' {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'insufficientPrivilege' : 'genericError';
}

/** Open (creating it 0600 if missing) and check the lock file; returns its descriptor. */
function openLockFile(path: string): number {
  const dir = dirname(path);
  // As root the directory must be the pid file's trusted kind (docs/contract.md §2): anyone
  // else who can write it could remove the lock file while root holds the lock, and so
  // let a second controller in.
  let problem: string | undefined;
  try {
    problem = ensureTrustedDirectory(dir);
  } catch (error) {
    throw new ServiceFailure(privilegeOrGeneric(error), `cannot create directory ${dir} for lock file ${path}: ${reason(error)}`);
  }
  if (problem) throw new ServiceFailure('insufficientPrivilege', `refusing to use lock file ${path}: ${problem}`);
  const c = fs.constants;
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the path must not hang us in open(). Node adds O_CLOEXEC,
    // so the daemon `start` spawns does not inherit the lock.
    fd = fs.openSync(path, c.O_RDWR | c.O_CREAT | c.O_NOFOLLOW | c.O_NONBLOCK, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new ServiceFailure('insufficientPrivilege', `refusing to use lock file ${path}: it is a symbolic link`);
    if (code === 'ENXIO' || code === 'EISDIR') throw new ServiceFailure('insufficientPrivilege', `refusing to use lock file ${path}: it is not a regular file`);
    throw new ServiceFailure(privilegeOrGeneric(error), `cannot open lock file ${path}: ${reason(error)}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    const euid = process.geteuid?.();
    let problem: string | undefined;
    if (!stat.isFile()) problem = 'it is not a regular file';
    else if (euid !== undefined && stat.uid !== euid) problem = `it is owned by uid ${stat.uid}`;
    else if ((stat.mode & 0o022) !== 0) problem = 'it is writable by other users';
    else if (stat.nlink !== 1) problem = `it has ${stat.nlink} links`;
    if (problem) throw new ServiceFailure('insufficientPrivilege', `refusing to use lock file ${path}: ${problem}`);
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

type FlockResult = { kind: 'locked' } | { kind: 'busy' } | { kind: 'missing' } | { kind: 'error'; message: string };

/**
 * Run `flock -x ARGS 3` with `fd` as its fd 3; resolves once it has exited. Exit 1
 * with nothing on stderr is "not granted" (-w ran out, or -n found it taken).
 */
function flockOn(fd: number, args: string[]): Promise<FlockResult> {
  const binary = FLOCK_BINARIES.find((path) => fs.existsSync(path));
  if (!binary) return Promise.resolve({ kind: 'missing' });
  return new Promise((done) => {
    const child = spawn(binary, ['-x', ...args, '3'], {
      stdio: ['ignore', 'ignore', 'pipe', fd],
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => done({ kind: 'error', message: error.message }));
    child.once('close', (code, signal) => {
      if (code === 0) done({ kind: 'locked' });
      else if (code === 1 && stderr.trim() === '') done({ kind: 'busy' });
      else done({ kind: 'error', message: stderr.trim().split('\n')[0] || (signal ? `killed by ${signal}` : `exited with code ${code}`) });
    });
  });
}

/**
 * util-linux waits in the kernel (-w) and proceeds the moment the holder lets go.
 * A flock without -w (BusyBox's) says so on stderr: then ask with -n, polling
 * (5 ms, doubling to 100 ms) until the deadline.
 */
async function flockUntil(fd: number, timeoutMs: number): Promise<FlockResult> {
  const deadline = Date.now() + timeoutMs;
  const waited = await flockOn(fd, ['-w', (timeoutMs / 1000).toFixed(3)]);
  if (waited.kind !== 'error') return waited;
  let pause = 5;
  for (;;) {
    const tried = await flockOn(fd, ['-n']);
    if (tried.kind !== 'busy') return tried.kind === 'error' ? waited : tried;
    if (Date.now() >= deadline) return tried;
    await sleep(pause);
    pause = Math.min(pause * 2, 100);
  }
}

const inProgress = (): ServiceFailure => new ServiceFailure('genericError', 'another start or stop of this service is still in progress');

/** Wait up to timeoutMs for the service's lock. */
export async function acquireLock(pidfile: string, timeoutMs: number): Promise<Lock> {
  const path = lockPath(pidfile);
  const fd = openLockFile(path);
  let result: FlockResult;
  try {
    result = await flockUntil(fd, timeoutMs);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  if (result.kind === 'locked') {
    let open = true;
    return {
      release: async () => {
        if (open) fs.closeSync(fd);
        open = false;
      },
    };
  }
  fs.closeSync(fd);
  if (result.kind === 'busy') throw inProgress();
  if (result.kind === 'error') throw new ServiceFailure('genericError', `cannot lock ${path}: flock: ${result.message}`);
  // No flock(1): the lock of earlier releases, with its weakness (docs/design.md).
  if (process.platform !== 'linux') return { release: async () => {} };
  return acquireSocketLock(pidfile, timeoutMs);
}

/** FNV-1a, 64 bits: a short stable name for the pid file's path (no need for node:crypto's load time). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

function tryBind(address: string): Promise<Server | null> {
  return new Promise((resolveBind, reject) => {
    const server = createServer((connection) => connection.destroy()); // nobody may hold us open
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolveBind(null);
      else reject(error);
    });
    server.listen(address, () => {
      server.unref();
      resolveBind(server);
    });
  });
}

/** The fallback, exported for test/bench/lock-cost.js to compare against. */
export async function acquireSocketLock(pidfile: string, timeoutMs: number): Promise<Lock> {
  const address = `\0initgen/${fnv1a64(resolve(pidfile))}`;
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    const server = await tryBind(address);
    if (server) {
      // close() stops listening at once; its callback would wait for open connections
      return { release: async () => void server.close() };
    }
    if (Date.now() >= deadline) throw inProgress();
    await sleep(pause);
    pause = Math.min(pause * 2, 100);
  }
}
