// Root must not run code someone else can change (security finding 6, docs/contract.md
// §5). A SysV or SMF wrapper runs `node SCRIPT ACTION` as root for every action, and the
// daemon's own module code runs as root before it drops to `user`; every target runs it
// as root when no `user` is set. Then whoever can write the node binary, the script, a
// directory on the way to either, or a module the script can load (a node_modules
// directory in the script's directory or above) can run code as root at the next stop.
// So install refuses such a tree, and plain generation warns about it.
import { lstat, readdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NormalizedConfig } from '../config/types.js';
import type { Target } from '../targets/types.js';
import { readFileIn } from '../render/write.js';
import { inRoot, walk } from './rootfs.js';

/** More files than this under node_modules are not all looked at (the rest is named as unchecked). */
export const MODULE_LIMIT = 200_000;

/** Does TARGET's service file make root run the program's code? (Target.rootRuns) */
export function rootRunsCode(target: Target, config: NormalizedConfig): boolean {
  if (target.rootRuns === 'withoutUser') return config.user === undefined || config.user === 'root';
  return target.rootRuns === 'always';
}

/** Why root runs it, for the refusal. */
export function whyRootRuns(target: Target): string {
  return target.rootRuns === 'always' ? `the ${target.name} wrapper runs node as root for every action` : 'no `user` is set';
}

interface CodeWriters {
  /** one line per path: what it is and who besides root can change it */
  problems: string[];
  /** node_modules trees too large to look at entirely */
  unchecked: string[];
}

interface Stat {
  uid: number;
  gid: number;
  mode: number;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** Who besides root can change this file or directory's contents, or undefined. */
function writers(st: Stat, names: Map<number, string>): string | undefined {
  if (st.uid !== 0) return `its owner, uid ${st.uid}${named(names, st.uid)}`;
  // a sticky directory (/tmp) lets others add entries, not replace root's
  if (st.isDirectory() && (st.mode & 0o1000) !== 0) return undefined;
  if ((st.mode & 0o002) !== 0) return 'everyone';
  if ((st.mode & 0o020) !== 0) return `group ${st.gid}`;
  return undefined;
}

const named = (names: Map<number, string>, uid: number): string => (names.has(uid) ? ` (${names.get(uid)})` : '');

async function userNames(root: string): Promise<Map<number, string>> {
  const found = readFileIn(root, inRoot(root, '/etc/passwd'));
  const text = found.kind === 'file' ? found.content.toString('utf8') : '';
  return new Map(text.split('\n').map((l) => l.split(':')).filter((f) => f.length > 2).map((f) => [Number(f[2]), f[0] as string]));
}

/**
 * Every path root would run code from that someone else can change. Paths are as seen
 * inside ROOT; paths that do not exist are left to the path check.
 */
export async function codeWriters(root: string, config: NormalizedConfig, limit = MODULE_LIMIT): Promise<CodeWriters> {
  const names = await userNames(root);
  const problems: string[] = [];
  const unchecked: string[] = [];
  const seen = new Set<string>();
  const report = async (what: string, path: string): Promise<void> => {
    if (seen.has(path)) return;
    seen.add(path);
    const st = await lstat(inRoot(root, path)).catch(() => undefined);
    if (st === undefined || st.isSymbolicLink()) return;
    const who = writers(st, names);
    if (who !== undefined) problems.push(`${what}: ${path} can be changed by ${who}`);
  };
  /** The file and every directory on the way, links resolved inside the root; undefined when missing. */
  const route = async (what: string, path: string): Promise<string | undefined> => {
    const resolved = await walk(root, path).catch(() => undefined);
    if (resolved === undefined) return undefined;
    for (const dir of resolved.dirs) await report(what, dir);
    await report(what, resolved.file);
    return resolved.file;
  };

  await route(`\`node\` ${config.node}`, config.node);
  // issue 16: a plain program runs initgen's wrapper (and the library beside it) first
  for (const word of config.nodeArgs) {
    if (!word.startsWith('--import=file:')) continue;
    const wrapper = fileURLToPath(word.slice('--import='.length));
    await route(`\`program\` wrapper ${wrapper}`, wrapper);
    await route(`\`program\` wrapper ${wrapper}`, posix.join(posix.dirname(wrapper), 'initgen.cjs'));
  }
  const script = await route(`\`script\` ${config.script}`, config.script);
  if (script === undefined) return { problems, unchecked };

  // node looks for modules in node_modules of the script's directory and of each one above
  let budget = limit;
  const visited = new Set<string>();
  const tree = async (what: string, top: string): Promise<void> => {
    const pending = [top];
    while (pending.length > 0) {
      const dir = pending.pop() as string;
      let entries: string[];
      try {
        entries = await readdir(inRoot(root, dir));
      } catch {
        continue;
      }
      for (const e of entries) {
        if (--budget < 0) {
          if (!unchecked.includes(top)) unchecked.push(top);
          return;
        }
        const path = posix.join(dir, e);
        const st = await lstat(inRoot(root, path)).catch(() => undefined);
        if (st === undefined) continue;
        if (st.isSymbolicLink()) {
          // `npm link` and workspaces: node follows the link, so its target counts too
          const target = await route(what, path);
          const tst = target === undefined ? undefined : await lstat(inRoot(root, target)).catch(() => undefined);
          if (target !== undefined && tst?.isDirectory() && !visited.has(target)) {
            visited.add(target);
            pending.push(target);
          }
          continue;
        }
        const who = writers(st, names);
        if (who !== undefined && !seen.has(path)) {
          seen.add(path);
          problems.push(`${what}: ${path} can be changed by ${who}`);
        }
        if (st.isDirectory() && !visited.has(path)) {
          visited.add(path);
          pending.push(path);
        }
      }
    }
  };
  for (let dir = posix.dirname(script); ; dir = posix.dirname(dir)) {
    const modules = posix.join(dir, 'node_modules');
    const st = await lstat(inRoot(root, modules)).catch(() => undefined);
    if (st !== undefined) {
      const what = `modules of \`script\` in ${modules}`;
      const top = st.isSymbolicLink() ? await route(what, modules) : (await report(what, modules), modules);
      if (top !== undefined && !visited.has(top)) {
        visited.add(top);
        await tree(what, top);
      }
    }
    if (dir === '/') break;
  }
  return { problems, unchecked };
}

/** The first lines of a long list, and how many more there are. */
export function shortList(lines: string[], max = 10): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), `... and ${lines.length - max} more`];
}
