// initgen install: write the files at their install paths (atomically, never over a
// file initgen did not write), record them, then enable the service with its own tool.
// One plan (src/install/actions.ts): --dry-run prints it, a real run performs it.
import { EXIT } from '../cli/exit.js';
import type { NormalizedConfig } from '../config/types.js';
import { generate, warnNodePath } from '../generate.js';
import { MARKER } from '../render/marker.js';
import { shQuoteAll } from '../render/sh.js';
import { whyFailed } from '../render/write.js';
import { PlanError } from '../targets/host.js';
import { loadTarget } from '../targets/registry.js';
import { describe, perform, performAll, show, type Action } from './actions.js';
import { codeWriters, MODULE_LIMIT, rootRunsCode, shortList, whyRootRuns } from './code-owners.js';
import { manifestPath, readManifest, replaceable, type Manifest } from './manifest.js';
import { chooseTarget, privilegeError, privilegeProblems, site, untrusted, type PlaceOptions } from './plan.js';
import { CliError } from '../cli/exit.js';
import { pathProblems } from './preflight.js';
import { inRoot } from './rootfs.js';

interface InstallOptions extends PlaceOptions {
  dryRun: boolean;
  force: boolean;
  enable: boolean;
  pathCheck: boolean;
  print(line: string): void;
  warn(line: string): void;
}

export async function install(config: NormalizedConfig, opts: InstallOptions): Promise<void> {
  const { root, name } = { root: opts.root, name: config.name };
  const targetName = await chooseTarget(root, opts.target);
  const target = await loadTarget(targetName);
  warnNodePath(config, opts.warn);
  const files = await generate(config, targetName, opts.warn);
  const unit = target.unit(config);
  const where = await site(opts, target, { name, unit, paths: files.map((f) => f.installPath), stopTimeout: config.stopTimeout });
  const old = await readManifest(root, name, targetName).catch(untrusted);
  const listed = new Set(old?.files.map((f) => f.path));

  // not overridable: a package build stages files under --root that are not yet owned as installed (--no-path-check)
  if ((root === '/' || opts.pathCheck) && rootRunsCode(target, config)) {
    const { problems, unchecked } = await codeWriters(root, config);
    for (const top of unchecked) opts.warn(`initgen: warning: ${top} holds more than ${MODULE_LIMIT} entries; the rest was not checked for writers other than root`);
    if (problems.length > 0) {
      throw new CliError(
        [
          ...shortList(problems).map((p) => `initgen: refusing to install: ${p}`),
          `initgen: root runs this code (${whyRootRuns(target)}); make it root's and writable by no one else (chown -R root:root, chmod -R go-w), see docs/install.md`,
        ],
        EXIT.usage,
      );
    }
  }

  const clashes: string[] = [];
  for (const f of files) {
    const dest = inRoot(root, `/${f.installPath}`);
    if (!opts.force && !(await replaceable(root, dest, listed.has(f.installPath)))) {
      clashes.push(`initgen: ${dest} exists and initgen did not write it (no "${MARKER}" marker); move it away or pass --force`);
    }
  }
  if (clashes.length > 0) throw new CliError(clashes, EXIT.failure);

  if (opts.pathCheck) {
    const problems = await pathProblems(root, config);
    if (problems.length > 0) {
      throw new CliError([...problems.map((p) => `initgen: ${p}`), 'initgen: the service could not start at boot; fix `node`/`script` or the permissions (or pass --no-path-check)'], EXIT.usage);
    }
  }

  let enabling: Action[];
  try {
    enabling = opts.enable ? target.enabler.enable(where) : [];
  } catch (err) {
    if (err instanceof PlanError) throw new CliError([`initgen: ${err.message}`], EXIT.usage);
    throw err;
  }
  const keep = new Set(files.map((f) => f.installPath));
  const record = manifestPath(root, name, targetName);
  const plan: Action[] = [
    ...files.map((f): Action => ({ kind: 'write', path: inRoot(root, `/${f.installPath}`), installPath: f.installPath, content: f.content, mode: f.mode })),
    ...(old?.files ?? []).filter((f) => !keep.has(f.path)).map((f): Action => ({ kind: 'remove', path: inRoot(root, `/${f.path}`), previous: true })),
    { kind: 'record', path: record },
    ...enabling,
  ];
  if (opts.dryRun) {
    for (const a of plan) opts.print(show(a));
    return;
  }

  const paths = plan.flatMap((a) => (a.kind === 'write' || a.kind === 'record' || a.kind === 'symlink' ? [a.path] : []));
  const denied = await privilegeProblems(paths, target, root, opts.enable);
  if (denied.length > 0) throw privilegeError(denied);

  const manifest: Manifest = {
    name,
    target: targetName,
    unit,
    ...(target.enabler.supervised !== undefined && { scanDir: where.scanDir }),
    files: [],
    dirs: [...(old?.dirs ?? [])],
    enabled: enabling.length > 0,
  };
  const ledger = { root, manifest, force: opts.force, tolerated: 'warning' as const, warn: opts.warn };
  const done: string[] = [];
  try {
    await performAll(plan, ledger, done);
  } catch (err) {
    // what was written is recorded, so that uninstall finds it; nothing is enabled
    manifest.enabled = false;
    await perform({ kind: 'record', path: record }, ledger).catch(() => undefined);
    const undo = shQuoteAll([
      'initgen', 'uninstall', '--name', name, '--target', targetName,
      ...(root === '/' ? [] : ['--root', root]),
      ...(opts.scanDir !== undefined ? ['--scan-dir', opts.scanDir] : []),
    ]);
    throw new CliError(
      [
        `initgen: install failed: ${whyFailed(err)}`,
        ...(done.length > 0 ? ['initgen: done so far:', ...done.map((d) => `  ${d}`)] : ['initgen: nothing was changed']),
        ...(done.length > 0 ? [`initgen: to undo it, run: ${undo}`] : []),
      ],
      EXIT.failure,
    );
  }
  opts.print(`installed ${name} for ${targetName}: ${files.length} file${files.length === 1 ? '' : 's'}${enabling.length > 0 ? `, enabled with: ${enabling.map(describe).join('; ')}` : opts.enable ? '' : ' (not enabled: --no-enable)'}`);
  const hint = opts.enable && root === '/' ? target.enabler.startHint?.(where) : undefined;
  if (hint !== undefined) opts.print(`start it now with: ${hint}`);
}
