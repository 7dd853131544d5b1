// Mutual exclusion between controlling processes (start, stop, restart) of one
// service. On Linux the lock is a socket bound in the abstract namespace: binding
// is exclusive, and the kernel releases it when its holder dies, even by SIGKILL,
// so a crashed controller can never leave a stale lock behind.
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceFailure } from './outcome.js';

export interface Lock {
  release(): Promise<void>;
}

/** FNV-1a, 64 bits: a short stable name for the pid file's path (no need for node:crypto's load time). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

function lockAddress(pidfile: string): string {
  return `\0initgen/${fnv1a64(resolve(pidfile))}`;
}

function tryBind(address: string): Promise<Server | null> {
  return new Promise((resolveBind, reject) => {
    const server = createServer();
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

/** Wait up to timeoutMs for the service's lock. No-op where there are no abstract sockets. */
export async function acquireLock(pidfile: string, timeoutMs: number): Promise<Lock> {
  if (process.platform !== 'linux') return { release: async () => {} };
  const address = lockAddress(pidfile);
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    const server = await tryBind(address);
    if (server) {
      return { release: () => new Promise<void>((done) => server.close(() => done())) };
    }
    if (Date.now() >= deadline) {
      throw new ServiceFailure('genericError', 'another start or stop of this service is still in progress');
    }
    await sleep(pause);
    pause = Math.min(pause * 2, 100);
  }
}
