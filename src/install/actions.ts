// What install and uninstall do, as one list of steps (a plan): each step is data, so
// that --dry-run prints exactly the list a real run performs, in the same order, and a
// failure can say what was done. The targets' enablers give the tool steps
// (src/targets/host.ts); install and uninstall add the file and record steps.
import { posix } from 'node:path';
import { MARKER } from '../render/marker.js';
import { shQuoteAll } from '../render/sh.js';
import { octal, removeDirIn, removeIn, renameIn, symlinkIn, writeFileAtomic } from '../render/write.js';
import { removable, sha256, writeManifest, type Manifest } from './manifest.js';
import { runIn } from './run-tool.js';

export type Action =
  /**
   * run a tool; `tolerate`: failing is expected when there is nothing to stop (a warning,
   * not an error). `dirs`: directories under the root the tool works in, handed to it
   * open (src/install/run-tool.ts).
   */
  | { kind: 'run'; argv: string[]; tolerate?: boolean; dirs?: string[] }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'unlink'; path: string }
  | { kind: 'rename'; from: string; to: string }
  /** run ARGV until it fails (the supervisor has exited), for at most SECONDS */
  | { kind: 'waitFail'; argv: string[]; seconds: number; dirs?: string[] }
  /** write a rendered file atomically, and enter it (and the directories made for it) in the record */
  | { kind: 'write'; path: string; installPath: string; content: string; mode: number }
  /**
   * remove a file an install wrote: with `sha` (uninstall), only while it is still
   * initgen's (it has the marker or that digest) unless forced; `previous`: the last
   * install wrote it and this one does not
   */
  | { kind: 'remove'; path: string; sha?: string; previous?: boolean }
  /** a directory the supervisor made in the service directory */
  | { kind: 'removeTree'; path: string }
  /** a directory install created, if nothing else is in it now */
  | { kind: 'rmdir'; path: string }
  /** write the record of what is installed (src/install/manifest.ts) */
  | { kind: 'record'; path: string }
  /** remove the record, and its directory when it is empty */
  | { kind: 'forget'; path: string };

/** The action as a shell command line. */
export function describe(a: Action): string {
  switch (a.kind) {
    case 'run':
      return shQuoteAll(a.argv) + (a.tolerate ? ' || true' : '');
    case 'symlink':
      return shQuoteAll(['ln', '-sfn', a.target, a.path]);
    case 'unlink':
    case 'remove':
    case 'forget':
      return shQuoteAll(['rm', '-f', a.path]);
    case 'rename':
      return shQuoteAll(['mv', a.from, a.to]);
    case 'waitFail':
      return `while ${shQuoteAll(a.argv)} >/dev/null 2>&1; do sleep 1; done`;
    case 'write':
      return `write ${a.path} (mode ${octal(a.mode)})`;
    case 'removeTree':
      return shQuoteAll(['rm', '-rf', a.path]);
    case 'rmdir':
      return `${shQuoteAll(['rmdir', a.path])}  # if empty`;
    case 'record':
      return `record what was installed in ${a.path}`;
  }
}

/** The action as --dry-run prints it: a file whole, a record as a comment, the rest as commands. */
export function show(a: Action): string {
  if (a.kind === 'write') return `==> ${a.path} (mode ${octal(a.mode)}) <==\n${a.content}`;
  if (a.kind === 'record') return `# ${describe(a)}`;
  return `$ ${describe(a)}`;
}

interface Ledger {
  /** the install root: every path stays inside it (src/render/write.ts) */
  root: string;
  /** the record a `write` enters its file in, and `record` writes */
  manifest?: Manifest;
  /** remove files that changed since install and carry no marker */
  force: boolean;
  /** a tolerated failure is reported as this (install: warning, uninstall: note) */
  tolerated: 'warning' | 'note';
  warn(line: string): void;
}

/**
 * Perform one action; what was done (for a failure's report), or undefined when
 * nothing was. A tolerated failure is reported through the ledger instead of thrown.
 */
/** Perform the plan in order; `done` collects what was done, for a failure's report. */
export async function performAll(plan: readonly Action[], l: Ledger, done: string[]): Promise<void> {
  for (const a of plan) {
    const did = await perform(a, l);
    if (did !== undefined) done.push(did);
  }
}

export async function perform(a: Action, l: Ledger): Promise<string | undefined> {
  const { root } = l;
  switch (a.kind) {
    case 'run': {
      const { code, output } = await runIn(root, a.argv, a.dirs);
      if (code === 0) return describe(a);
      const why = `\`${shQuoteAll(a.argv)}\` exited ${code}${output ? `: ${output.split('\n').filter(Boolean).pop()}` : ''}`;
      if (!a.tolerate) throw new Error(why);
      l.warn(`initgen: ${l.tolerated}: ${why}`);
      return describe(a);
    }
    case 'symlink':
      symlinkIn(root, a.target, a.path);
      return describe(a);
    case 'unlink':
      removeIn(root, a.path);
      return describe(a);
    case 'rename':
      renameIn(root, a.from, a.to);
      return describe(a);
    case 'waitFail': {
      const deadline = Date.now() + a.seconds * 1000;
      while ((await runIn(root, a.argv, a.dirs)).code === 0) {
        if (Date.now() > deadline) {
          l.warn(`initgen: ${l.tolerated}: \`${shQuoteAll(a.argv)}\` still succeeds after ${a.seconds} s`);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return describe(a);
    }
    case 'write': {
      const created: string[] = [];
      await writeFileAtomic(a.path, a.content, a.mode, root, created);
      const m = l.manifest;
      if (m !== undefined) {
        for (const dir of created) if (!m.dirs.includes(dir)) m.dirs.push(dir);
        m.files.push({ path: a.installPath, mode: a.mode, sha256: sha256(a.content) });
      }
      return `wrote ${a.path} (mode ${octal(a.mode)})`;
    }
    case 'remove': {
      if (a.previous) {
        removeIn(root, a.path);
        return `removed ${a.path}, which the previous install wrote`;
      }
      const ok = await removable(root, a.path, a.sha);
      if (ok === false && !l.force) {
        l.warn(`initgen: kept ${a.path}: it changed since install and has no "${MARKER}" marker (pass --force to remove it)`);
        return undefined;
      }
      if (ok === undefined) return undefined;
      removeIn(root, a.path);
      return `removed ${a.path}`;
    }
    case 'removeTree':
      removeIn(root, a.path, true);
      return undefined;
    case 'rmdir':
      removeDirIn(root, a.path);
      return undefined;
    case 'record':
      if (l.manifest === undefined) throw new Error('no record to write');
      await writeManifest(root, l.manifest);
      return undefined;
    case 'forget':
      removeIn(root, a.path);
      removeDirIn(root, posix.dirname(a.path));
      return undefined;
  }
}
