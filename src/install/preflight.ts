// The nvm-at-boot failure: a unit that names a node only its installer's shell could
// reach. Before installing, check that the service user can reach `node` and `script`.
import { execFileSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { readFileIn } from '../render/write.js';
import type { NormalizedConfig } from '../config/types.js';
import { inRoot, walk } from './rootfs.js';

export interface Identity {
  name: string;
  uid: number;
  gids: number[];
}

/** The service user's identity, read from ROOT's passwd/group (the live system asks id(1), which knows NSS). */
export async function identity(root: string, user: string | undefined, group: string | undefined): Promise<Identity | string> {
  if (user === undefined && group === undefined) return { name: 'root', uid: 0, gids: [0] };
  const name = user ?? 'root';
  let uid: number;
  let gids: number[];
  if (root === '/') {
    try {
      uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      gids = execFileSync('id', ['-G', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/).map(Number);
    } catch {
      return `user \`${name}\` does not exist on this system; create it before installing`;
    }
  } else {
    const passwd = await table(inRoot(root, '/etc/passwd'));
    const entry = passwd.find((f) => f[0] === name);
    if (entry === undefined) return `user \`${name}\` does not exist in ${inRoot(root, '/etc/passwd')}; create it before installing`;
    uid = Number(entry[2]);
    const groups = await table(inRoot(root, '/etc/group'));
    gids = [Number(entry[3]), ...groups.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2]))];
  }
  if (group !== undefined) {
    const gid = await groupId(root, group);
    if (gid === undefined) return `group \`${group}\` does not exist; create it before installing`;
    gids = [gid, ...gids];
  }
  return { name, uid, gids };
}

async function groupId(root: string, group: string): Promise<number | undefined> {
  if (root === '/') {
    try {
      const line = execFileSync('getent', ['group', group], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return Number(line.split(':')[2]);
    } catch {
      return undefined;
    }
  }
  const entry = (await table(inRoot(root, '/etc/group'))).find((g) => g[0] === group);
  return entry === undefined ? undefined : Number(entry[2]);
}

async function table(path: string): Promise<string[][]> {
  // no-follow, regular files only: under --root a FIFO planted as etc/passwd must not hang root
  const found = readFileIn('/', path);
  const text = found.kind === 'file' ? found.content.toString('utf8') : '';
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

/** POSIX permission check for one access (r, w or x bit: 4, 2, 1) as WHO. */
function allowed(mode: number, owner: number, group: number, who: Identity, bit: number): boolean {
  if (who.uid === 0) return bit !== 1 || (mode & 0o111) !== 0 || (mode & 0o170000) === 0o040000;
  if (who.uid === owner) return (mode & (bit << 6)) !== 0;
  if (who.gids.includes(group)) return (mode & (bit << 3)) !== 0;
  return (mode & bit) !== 0;
}

/** Why WHO cannot read (and, with exec, run) PATH inside ROOT; undefined when it can. */
async function unreachable(root: string, field: string, path: string, who: Identity, exec: boolean): Promise<string | undefined> {
  const what = `\`${field}\` ${path}`;
  let resolved: { dirs: string[]; file: string };
  try {
    resolved = await walk(root, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${what} does not exist${root === '/' ? '' : ` under ${root}`}` : `${what}: ${(err as Error).message}`;
  }
  for (const dir of resolved.dirs) {
    const s = await stat(inRoot(root, dir));
    if (!allowed(s.mode, s.uid, s.gid, who, 1)) {
      return `${what}: user ${who.name} cannot enter ${dir} (mode ${(s.mode & 0o7777).toString(8).padStart(4, '0')}, owner uid ${s.uid})`;
    }
  }
  const s = await stat(inRoot(root, resolved.file));
  if (!s.isFile()) return `${what} is not a regular file`;
  if (!allowed(s.mode, s.uid, s.gid, who, 4)) return `${what}: user ${who.name} cannot read it`;
  if (exec && !allowed(s.mode, s.uid, s.gid, who, 1)) return `${what}: user ${who.name} cannot execute it`;
  return undefined;
}

/** Every reason the service could not start at boot as its user; empty when it can. */
export async function pathProblems(root: string, config: NormalizedConfig): Promise<string[]> {
  const who = await identity(root, config.user, config.group);
  if (typeof who === 'string') return [who];
  const problems = [
    await unreachable(root, 'node', config.node, who, true),
    await unreachable(root, 'script', config.script, who, false),
  ].filter((p): p is string => p !== undefined);
  return problems;
}
