// initgen uninstall: stop, disable, and remove what install recorded; a second run
// finds nothing and succeeds.
// One plan (src/install/actions.ts): --dry-run prints it, a real run performs it.
import { EXIT } from '../cli/exit.js';
import type { NormalizedConfig } from '../config/types.js';
import { DEFAULTS } from '../defaults.js';
import { generate } from '../generate.js';
import { shQuoteAll } from '../render/sh.js';
import { whyFailed } from '../render/write.js';
import { isTargetName, loadTarget, type TargetName } from '../targets/registry.js';
import type { RenderedFile } from '../targets/types.js';
import { performAll, show, type Action } from './actions.js';
import { installedTargets, manifestPath, readManifest, removable, sha256, type Manifest } from './manifest.js';
import { chooseTarget, privilegeError, privilegeProblems, site, untrusted } from './plan.js';
import { CliError } from '../cli/exit.js';
import { inRoot } from './rootfs.js';

interface UninstallOptions {
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
  const target = await loadTarget(m.target);
  const { enabler } = target;
  // records from before `unit` was recorded: the config's, else the name
  const unit = m.unit ?? (opts.config !== undefined ? target.unit(opts.config) : m.name);
  const stopTimeout = opts.config?.stopTimeout ?? DEFAULTS.stopTimeout;
  const scanDir = opts.scanDir ?? m.scanDir;
  const where = await site({ root, ...(scanDir !== undefined && { scanDir }) }, target, { name: m.name, unit, paths: m.files.map((f) => f.path), stopTimeout });
  const stopping: Action[] = opts.enable ? enabler.disable(where) : [];
  const after: Action[] = opts.enable ? (enabler.after?.(where) ?? []) : [];
  const supervised = enabler.supervised;
  const park = opts.enable ? supervised?.parked?.(where) : undefined;
  // the daemontools service directory is parked under a dot name before it is stopped
  const moved = (path: string): string => (park !== undefined && (path === park.from || path.startsWith(`${park.from}/`)) ? park.to + path.slice(park.from.length) : path);
  const runtime = supervised === undefined ? [] : supervised.runtime.map((d) => `${moved(inRoot(root, supervised.serviceDir(m.name)))}/${d}`);
  // the scanned directory outlives the services in it, even when install created it
  const scanned = (d: string): boolean => m.scanDir !== undefined && (where.scanDir === d || where.scanDir.startsWith(`${d}/`));
  const dirs = [...m.dirs].reverse().filter((d) => !scanned(d)).map((d) => moved(inRoot(root, d)));
  if (park !== undefined && !dirs.includes(park.to)) dirs.push(`${park.to}/log`, park.to);
  const record = manifestPath(root, m.name, m.target);
  const plan: Action[] = [
    ...stopping,
    ...m.files.map((f): Action => ({ kind: 'remove', path: moved(inRoot(root, `/${f.path}`)), sha: f.sha256 })),
    ...runtime.map((path): Action => ({ kind: 'removeTree', path })),
    ...dirs.map((path): Action => ({ kind: 'rmdir', path })),
    ...after,
    { kind: 'forget', path: record },
  ];
  if (opts.dryRun) {
    for (const a of plan) opts.print(show(a));
    return;
  }
  const denied = await privilegeProblems([...m.files.map((f) => inRoot(root, `/${f.path}`)), record], target, root, opts.enable);
  if (denied.length > 0) throw privilegeError(denied);

  const ledger = { root, force: opts.force, tolerated: 'note' as const, warn: opts.warn };
  const done: string[] = [];
  try {
    await performAll(plan, ledger, done);
  } catch (err) {
    const again = `initgen uninstall --name ${shQuoteAll([m.name])} --target ${m.target}${root === '/' ? '' : ` --root ${shQuoteAll([root])}`}`;
    throw new CliError(
      [
        `initgen: uninstall failed: ${whyFailed(err)}`,
        ...(done.length > 0 ? ['initgen: done so far:', ...done.map((d) => `  ${d}`)] : []),
        `initgen: fix the cause and run it again: ${again}`,
      ],
      EXIT.failure,
    );
  }
  opts.print(`uninstalled ${m.name} for ${m.target}: ${done.filter((d) => d.startsWith('removed ')).length} files removed`);
}
