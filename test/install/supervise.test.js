// issue 6.6: install the runit and daemontools flavours under a real runsvdir/svscan
// watching a temporary root; the service runs, comes back after a "reboot" (the
// supervisor tree stopped and started again), and is gone after uninstall.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const APP = fileURLToPath(new URL('../fixtures/install-app.js', import.meta.url));

const have = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

function initgen(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `initgen ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The pid the service answers with, or undefined when nothing listens. */
function ask(port) {
  return new Promise((done) => {
    http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => done(Number(body)));
    }).on('error', () => done(undefined));
  });
}

async function until(what, check, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A live process: /proc/PID exists and is not a zombie. */
function alive(pid) {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The supervisor in its own process group, so that a "reboot" can end its whole tree. */
function supervisor(tool, scan) {
  const child = spawn(tool, [scan], { cwd: '/', detached: true, stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  return { pid: child.pid, exited };
}

// runsvdir on HUP sends TERM to every runsv, which stop their services; svscan has no
// shutdown of its own, so the group gets TERM as a shutdown would send it.
const FLAVOURS = [
  { target: 'runit', tool: 'runsvdir', scanDir: '/service', halt: (s) => process.kill(s.pid, 'SIGHUP'), status: ['sv', 'status'] },
  { target: 'daemontools', tool: 'svscan', scanDir: '/etc/service', halt: (s) => process.kill(-s.pid, 'SIGTERM'), status: ['svstat'] },
];

for (const f of FLAVOURS) {
  const missing = !have(f.tool) && `needs ${f.tool} (Debian package ${f.target})`;
  test(`issue 6.6: ${f.target} under a real ${f.tool}: runs, survives a reboot, gone after uninstall`, { skip: missing, timeout: 120_000 }, async () => {
    const d = mkdtempSync(join(tmpdir(), `initgen-${f.target}-`));
    const root = join(d, 'root');
    const scan = join(root, f.scanDir);
    mkdirSync(scan, { recursive: true });
    const name = `igsv-${f.target}`;
    const port = await freePort();
    const cfg = join(d, 'initgen.json');
    writeFileSync(cfg, JSON.stringify({ name, script: APP, node: process.execPath, env: { PORT: String(port) }, logfile: join(d, 'log', `${name}.log`) }));
    const place = ['-c', cfg, '--target', f.target, '--root', root, '--scan-dir', f.scanDir];
    let sup = supervisor(f.tool, scan);
    const started = [sup];
    try {
      // node and script live on this host, not in the temporary root: skip that check
      const out = initgen(['install', ...place, '--no-path-check']);
      assert.match(out, new RegExp(`^installed ${name} for ${f.target}: `));
      const serviceDir = f.target === 'runit' ? join(root, 'etc/sv', name) : join(scan, name);
      if (f.target === 'runit') assert.equal(readlinkSync(join(scan, name)), `../etc/sv/${name}`);
      const first = await until('the service answers', () => ask(port));
      const status = spawnSync(f.status[0], [...f.status.slice(1), serviceDir], { encoding: 'utf8' });
      assert.match(status.stdout, /\bup\b|^run: /, status.stdout);

      f.halt(sup);
      await sup.exited;
      await until('the service is down after the supervisor stopped', async () => (await ask(port)) === undefined && !alive(first));

      sup = supervisor(f.tool, scan);
      started.push(sup);
      const second = await until('the service answers after the reboot', () => ask(port));
      assert.notEqual(second, first);

      initgen(['uninstall', ...place]);
      await until('the service is gone', async () => (await ask(port)) === undefined && !alive(second));
      assert.equal(existsSync(serviceDir), false);
      assert.equal(existsSync(join(scan, name)), false);
      assert.equal(existsSync(join(root, 'var/lib/initgen', name)), false);
      assert.match(initgen(['uninstall', ...place]), /^nothing installed for /);
      // the supervisor is still up, and starts no new copy
      assert.equal(alive(sup.pid), true);
      assert.equal(await ask(port), undefined);
    } finally {
      for (const s of started) {
        if (alive(s.pid)) {
          f.halt(s);
          await s.exited;
        }
        try {
          process.kill(-s.pid, 'SIGKILL');
        } catch {
          // the group is already empty
        }
      }
      rmSync(d, { recursive: true, force: true });
    }
  });
}
