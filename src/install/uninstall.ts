// initgen uninstall: stop, disable, and remove what install recorded; a second run
// finds nothing and succeeds.
import type { NormalizedConfig } from '../config/types.js';
import { generate } from '../generate.js';
import { shQuoteAll } from '../render/sh.js';
import { MARKER } from '../render/marker.js';
import { DEFAULTS } from '../defaults.js';
import { readFileIn, removeDirIn, removeIn, whyFailed } from '../render/write.js';
import { isTargetName, type TargetName } from '../targets/registry.js';
import type { RenderedFile } from '../targets/types.js';
import { describe, perform, type Action } from './actions.js';
import { ENABLERS, serviceDir } from './enablers.js';
import { installedTargets, manifestPath, readManifest, removable, removeManifest, sha256, type Manifest } from './manifest.js';
import { chooseTarget, InstallError, privilegeError, privilegeProblems, site, untrusted } from './plan.js';
import { inRoot } from './rootfs.js';

export interface UninstallOptions {
  root: string;
  name: string;
  /** to find what to remove when no manifest was recorded */
  config?: NormalizedConfig;
  target?: TargetName;
  scanDir?: string;
  dryRun: boolean;
  force: boolean;
  enable: boolean;
  print(line: string): void;
  warn(line: string): void;
}

export async function uninstall(opts: UninstallOptions): Promise<void> {
  const recorded = opts.target !== undefined ? [opts.target] : (await installedTargets(opts.root, opts.name).catch(untrusted)).filter(isTargetName);
  let found = 0;
  for (const target of recorded) {
    const m = (await readManifest(opts.root, opts.name, target).catch(untrusted)) ?? (await unrecorded(opts, target));
    if (m !== undefined && m.files.length > 0) {
      await uninstallOne(opts, m);
      found++;
    }
  }
  if (recorded.length === 0 && opts.config !== undefined) {
    const m = await unrecorded(opts, await chooseTarget(opts.root, undefined).catch(() => undefined));
    if (m !== undefined && m.files.length > 0) {
      await uninstallOne(opts, m);
      found++;
    }
  }
  if (found === 0) opts.print(`nothing installed for ${opts.name}${opts.root === '/' ? '' : ` under ${opts.root}`}`);
}

/** Without a manifest (installed by `initgen --root`, or by hand): the generated files that exist and carry the marker. */
async function unrecorded(opts: UninstallOptions, target: TargetName | undefined): Promise<Manifest | undefined> {
  if (opts.config === undefined || target === undefined) return undefined;
  const files = await generate(opts.config, target, () => undefined).catch(() => [] as RenderedFile[]);
  const present: Manifest['files'] = [];
  for (const f of files) {
    if ((await removable(opts.root, inRoot(opts.root, `/${f.installPath}`), sha256(f.content))) === true) present.push({ path: f.installPath, mode: f.mode, sha256: sha256(f.content) });
  }
  return { name: opts.name, target, files: present, dirs: [], enabled: true };
}

async function uninstallOne(opts: UninstallOptions, m: Manifest): Promise<void> {
  const { root } = opts;
  const files: RenderedFile[] = [];
  for (const f of m.files) {
    const found = readFileIn(root, inRoot(root, `/${f.path}`));
    const content = found.kind === 'file' ? found.content.toString('utf8') : '';
    files.push({ installPath: f.path, outPath: f.path, mode: f.mode, content });
  }
  const stopTimeout = opts.config?.stopTimeout ?? DEFAULTS.stopTimeout;
  const where = await site({ root, target: m.target, scanDir: opts.scanDir ?? m.scanDir }, m.name, files, stopTimeout);
  const enabler = ENABLERS[m.target];
  const stopping: Action[] = opts.enable ? enabler.disable(where) : [];
  const after: Action[] = opts.enable ? (enabler.after?.(where) ?? []) : [];
  const park = opts.enable ? enabler.parked?.(where) : undefined;
  // the daemontools service directory is parked under a dot name before it is stopped
  const moved = (path: string): string => (park !== undefined && (path === park.from || path.startsWith(`${park.from}/`)) ? park.to + path.slice(park.from.length) : path);
  const targets = m.files.map((f) => ({ path: moved(inRoot(root, `/${f.path}`)), sha: f.sha256 }));
  const supervised = m.target === 'runit' || m.target === 'daemontools' ? moved(inRoot(root, serviceDir(where))) : undefined;
  const runtime = supervised === undefined ? [] : (enabler.runtime ?? []).map((d) => `${supervised}/${d}`);
  // the scanned directory outlives the services in it, even when install created it
  const scanned = (d: string): boolean => m.scanDir !== undefined && (where.scanDir === d || where.scanDir.startsWith(`${d}/`));
  const dirs = [...m.dirs].reverse().filter((d) => !scanned(d)).map((d) => moved(inRoot(root, d)));
  if (park !== undefined && !dirs.includes(park.to)) dirs.push(`${park.to}/log`, park.to);

  if (opts.dryRun) {
    for (const a of stopping) opts.print(`$ ${describe(a)}`);
    for (const { path } of targets) opts.print(`$ rm -f ${shQuoteAll([path])}`);
    for (const d of runtime) opts.print(`$ rm -rf ${shQuoteAll([d])}`);
    for (const d of dirs) opts.print(`$ rmdir ${shQuoteAll([d])}  # if empty`);
    for (const a of after) opts.print(`$ ${describe(a)}`);
    opts.print(`$ rm -f ${shQuoteAll([manifestPath(root, m.name, m.target)])}`);
    return;
  }
  const denied = await privilegeProblems(
    [...m.files.map((f) => inRoot(root, `/${f.path}`)), manifestPath(root, m.name, m.target)],
    m.target,
    root,
    opts.enable,
  );
  if (denied.length > 0) throw privilegeError(denied);

  const done: string[] = [];
  const again = `initgen uninstall --name ${shQuoteAll([m.name])} --target ${m.target}${root === '/' ? '' : ` --root ${shQuoteAll([root])}`}`;
  try {
    for (const a of stopping) {
      const warning = await perform(a, root);
      if (warning !== undefined) opts.warn(`initgen: note: ${warning}`);
      done.push(describe(a));
    }
    for (const { path, sha } of targets) {
      const ok = await removable(root, path, sha);
      if (ok === false && !opts.force) {
        opts.warn(`initgen: kept ${path}: it changed since install and has no "${MARKER}" marker (pass --force to remove it)`);
        continue;
      }
      if (ok !== undefined) {
        removeIn(root, path);
        done.push(`removed ${path}`);
      }
    }
    for (const d of runtime) removeIn(root, d, true);
    for (const d of dirs) removeDirIn(root, d);
    for (const a of after) {
      const warning = await perform(a, root);
      if (warning !== undefined) opts.warn(`initgen: note: ${warning}`);
    }
    await removeManifest(root, m.name, m.target);
  } catch (err) {
    throw new InstallError(
      [
        `initgen: uninstall failed: ${whyFailed(err)}`,
        ...(done.length > 0 ? ['initgen: done so far:', ...done.map((d) => `  ${d}`)] : []),
        `initgen: fix the cause and run it again: ${again}`,
      ],
      1,
    );
  }
  opts.print(`uninstalled ${m.name} for ${m.target}: ${done.filter((d) => d.startsWith('removed ')).length} files removed`);
}
