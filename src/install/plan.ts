// What install and uninstall share: which target, the Site its enabler works on, and
// the privilege check (exit 4 names the path or tool that needs root).
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { posix } from 'node:path';
import { CliError, EXIT } from '../cli/exit.js';
import type { Site } from '../targets/host.js';
import type { TargetName } from '../targets/registry.js';
import type { Target } from '../targets/types.js';
import { detect } from './detect.js';
import { ManifestError } from './manifest.js';
import { existingAncestor, inRoot, isDir } from './rootfs.js';

export interface PlaceOptions {
  root: string;
  target?: TargetName;
  scanDir?: string | undefined;
}

/** The --target given, or the one the root's init system needs. */
export async function chooseTarget(root: string, given: TargetName | undefined): Promise<TargetName> {
  if (given !== undefined) return given;
  const { target } = await detect(root);
  if (target === undefined) {
    throw new CliError(['initgen: cannot tell which init system this is (see `initgen detect --verbose`); pass --target'], EXIT.usage);
  }
  return target;
}

/** Where TARGET's enabler works: the root, the service, and what the enabler finds on this host. */
export async function site(
  opts: PlaceOptions,
  target: Target,
  service: { name: string; unit: string; paths: readonly string[]; stopTimeout: number },
): Promise<Site> {
  const { root } = opts;
  const { enabler } = target;
  return {
    root,
    ...service,
    scanDir: opts.scanDir !== undefined ? posix.resolve('/', opts.scanDir) : await defaultScanDir(root, enabler.supervised?.scanDirs ?? ['/etc/service']),
    tools: (await enabler.look?.(root)) ?? {},
  };
}

/** The first of DIRS that exists in ROOT, else the first. */
async function defaultScanDir(root: string, dirs: readonly string[]): Promise<string> {
  for (const dir of dirs) if (await isDir(inRoot(root, dir))) return dir;
  return dirs[0] ?? '/etc/service';
}

/** Why this process cannot do it: unwritable directories, or live-system tools that need root. */
export async function privilegeProblems(paths: string[], target: Target, root: string, enabling: boolean): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const dir = await existingAncestor(posix.dirname(path));
    if (seen.has(dir)) continue;
    seen.add(dir);
    const ok = await access(dir, constants.W_OK).then(() => true, () => false);
    if (!ok) problems.push(`cannot write ${path}: ${dir} is not writable by uid ${process.getuid?.() ?? '?'}`);
  }
  if (enabling && root === '/' && target.enabler.privileged && process.getuid?.() !== 0) {
    problems.push(`enabling a ${target.name} service on this system needs root`);
  }
  return problems;
}

export function privilegeError(problems: string[]): CliError {
  return new CliError(
    [...problems.map((p) => `initgen: ${p}`), 'initgen: run it as root, or stage the files with --root DIR --no-enable'],
    EXIT.privilege,
  );
}

/** A record someone else could have written is refused before anything is done (exit 2). */
export function untrusted(err: unknown): never {
  if (err instanceof ManifestError) {
    throw new CliError([`initgen: ${err.message}`, "initgen: nothing was done; if that record is not initgen's, move it away"], EXIT.usage);
  }
  throw err;
}
