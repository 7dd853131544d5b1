// What install and uninstall share: which target, the Site the enablers work on, and
// the privilege check (exit 4 names the path or tool that needs root).
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { posix } from 'node:path';
import type { TargetName } from '../targets/registry.js';
import type { RenderedFile } from '../targets/types.js';
import { detect, sysvFlavour, targetOf } from './detect.js';
import { defaultScanDir, ENABLERS, type Site } from './enablers.js';
import { ManifestError } from './manifest.js';
import { existingAncestor, exists, findTool, isDir } from './rootfs.js';

/** A refusal or failure with the lines to print and the exit code. */
export class InstallError extends Error {
  constructor(
    readonly lines: string[],
    readonly code: 1 | 2 | 4,
  ) {
    super(lines.join('\n'));
    this.name = 'InstallError';
  }
}

export interface PlaceOptions {
  root: string;
  target?: TargetName;
  scanDir?: string | undefined;
}

/** The --target given, or the one the root's init system needs. */
export async function chooseTarget(root: string, given: TargetName | undefined): Promise<TargetName> {
  if (given !== undefined) return given;
  const { system } = await detect(root);
  if (system === undefined) {
    throw new InstallError(['initgen: cannot tell which init system this is (see `initgen detect --verbose`); pass --target'], 2);
  }
  return targetOf(system);
}

export async function site(opts: PlaceOptions & { target: TargetName }, name: string, files: readonly RenderedFile[], stopTimeout: number): Promise<Site> {
  const { root } = opts;
  const scanDir = opts.scanDir !== undefined ? posix.resolve('/', opts.scanDir) : await defaultScanDir(root, opts.target, isDir);
  const s: Site = { root, name, files, scanDir, stopTimeout };
  if (opts.target === 'sysv') {
    // an empty staging root has no tools of its own: enable it the way this host would
    const flavour = (await sysvFlavour(root)) ?? (root === '/' ? undefined : await sysvFlavour('/'));
    if (flavour !== undefined) s.sysv = flavour;
    // Debian's update-rc.d calls /usr/lib/insserv/insserv; the package also links it into sbin.
    const insserv = (await findTool('/', 'insserv')) ?? ((await exists('/usr/lib/insserv/insserv')) ? '/usr/lib/insserv/insserv' : undefined);
    if (insserv !== undefined) s.insserv = insserv;
  }
  return s;
}

/** Why this process cannot do it: unwritable directories, or live-system tools that need root. */
export async function privilegeProblems(paths: string[], target: TargetName, root: string, enabling: boolean): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const dir = await existingAncestor(posix.dirname(path));
    if (seen.has(dir)) continue;
    seen.add(dir);
    const ok = await access(dir, constants.W_OK).then(() => true, () => false);
    if (!ok) problems.push(`cannot write ${path}: ${dir} is not writable by uid ${process.getuid?.() ?? '?'}`);
  }
  if (enabling && root === '/' && ENABLERS[target].privileged && process.getuid?.() !== 0) {
    problems.push(`enabling a ${target} service on this system needs root`);
  }
  return problems;
}

export function privilegeError(problems: string[]): InstallError {
  return new InstallError(
    [...problems.map((p) => `initgen: ${p}`), 'initgen: run it as root, or stage the files with --root DIR --no-enable'],
    4,
  );
}

/** A record someone else could have written is refused before anything is done (exit 2). */
export function untrusted(err: unknown): never {
  if (err instanceof ManifestError) {
    throw new InstallError([`initgen: ${err.message}`, "initgen: nothing was done; if that record is not initgen's, move it away"], 2);
  }
  throw err;
}
