// initgen install: write the files at their install paths (atomically, never over a
// file initgen did not write), record them, then enable the service with its own tool.
import type { NormalizedConfig } from '../config/types.js';
import { generate, warnNodePath } from '../generate.js';
import { octal, removeIn, whyFailed, writeFileAtomic } from '../render/write.js';
import { shQuoteAll } from '../render/sh.js';
import { MARKER } from '../render/marker.js';
import { describe, perform, type Action } from './actions.js';
import { ENABLERS, PlanError } from './enablers.js';
import { manifestPath, readManifest, replaceable, sha256, writeManifest, type Manifest } from './manifest.js';
import { chooseTarget, InstallError, privilegeError, privilegeProblems, site, untrusted, type PlaceOptions } from './plan.js';
import { codeWriters, MODULE_LIMIT, rootRunsCode, shortList } from './code-owners.js';
import { pathProblems } from './preflight.js';
import { inRoot } from './rootfs.js';

export interface InstallOptions extends PlaceOptions {
  dryRun: boolean;
  force: boolean;
  enable: boolean;
  pathCheck: boolean;
  print(line: string): void;
  warn(line: string): void;
}

export async function install(config: NormalizedConfig, opts: InstallOptions): Promise<void> {
  const { root, name } = { root: opts.root, name: config.name };
  const target = await chooseTarget(root, opts.target);
  warnNodePath(config, opts.warn);
  const files = await generate(config, target, opts.warn);
  const where = await site({ ...opts, target }, name, files, config.stopTimeout);
  const enabler = ENABLERS[target];
  const old = await readManifest(root, name, target).catch(untrusted);
  const listed = new Set(old?.files.map((f) => f.path));

  // not overridable: a package build stages files under --root that are not yet owned as installed (--no-path-check)
  if ((root === '/' || opts.pathCheck) && rootRunsCode(target, config)) {
    const { problems, unchecked } = await codeWriters(root, config);
    for (const top of unchecked) opts.warn(`initgen: warning: ${top} holds more than ${MODULE_LIMIT} entries; the rest was not checked for writers other than root`);
    if (problems.length > 0) {
      throw new InstallError(
        [
          ...shortList(problems).map((p) => `initgen: refusing to install: ${p}`),
          `initgen: root runs this code (${target === 'sysv' || target === 'smf' ? `the ${target} wrapper runs node as root for every action` : 'no `user` is set'}); make it root's and writable by no one else (chown -R root:root, chmod -R go-w), see docs/install.md`,
        ],
        2,
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
  if (clashes.length > 0) throw new InstallError(clashes, 1);

  if (opts.pathCheck) {
    const problems = await pathProblems(root, config);
    if (problems.length > 0) {
      throw new InstallError([...problems.map((p) => `initgen: ${p}`), 'initgen: the service could not start at boot; fix `node`/`script` or the permissions (or pass --no-path-check)'], 2);
    }
  }

  let actions: Action[];
  try {
    actions = opts.enable ? enabler.enable(where) : [];
  } catch (err) {
    if (err instanceof PlanError) throw new InstallError([`initgen: ${err.message}`], 2);
    throw err;
  }
  const keep = new Set(files.map((f) => f.installPath));
  const stale = (old?.files ?? []).filter((f) => !keep.has(f.path)).map((f) => inRoot(root, `/${f.path}`));
  const undo = shQuoteAll([
    'initgen', 'uninstall', '--name', name, '--target', target,
    ...(root === '/' ? [] : ['--root', root]),
    ...(opts.scanDir !== undefined ? ['--scan-dir', opts.scanDir] : []),
  ]);

  if (opts.dryRun) {
    for (const f of files) opts.print(`==> ${inRoot(root, `/${f.installPath}`)} (mode ${octal(f.mode)}) <==\n${f.content}`);
    for (const path of stale) opts.print(`$ rm -f ${shQuoteAll([path])}`);
    opts.print(`# record what was installed in ${manifestPath(root, name, target)}`);
    for (const a of actions) opts.print(`$ ${describe(a)}`);
    return;
  }

  const paths = [
    ...files.map((f) => inRoot(root, `/${f.installPath}`)),
    manifestPath(root, name, target),
    ...actions.flatMap((a) => (a.kind === 'symlink' ? [a.path] : [])),
  ];
  const denied = await privilegeProblems(paths, target, root, opts.enable);
  if (denied.length > 0) throw privilegeError(denied);

  const manifest: Manifest = { name, target, ...(target === 'runit' || target === 'daemontools' ? { scanDir: where.scanDir } : {}), files: [], dirs: [...(old?.dirs ?? [])], enabled: false };
  const done: string[] = [];
  try {
    for (const f of files) {
      const dest = inRoot(root, `/${f.installPath}`);
      const created: string[] = [];
      await writeFileAtomic(dest, f.content, f.mode, root, created);
      for (const dir of created) if (!manifest.dirs.includes(dir)) manifest.dirs.push(dir);
      manifest.files.push({ path: f.installPath, mode: f.mode, sha256: sha256(f.content) });
      done.push(`wrote ${dest} (mode ${octal(f.mode)})`);
    }
    for (const path of stale) {
      removeIn(root, path);
      done.push(`removed ${path}, which the previous install wrote`);
    }
    await writeManifest(root, manifest);
    for (const a of actions) {
      const warning = await perform(a, root);
      if (warning !== undefined) opts.warn(`initgen: warning: ${warning}`);
      done.push(describe(a));
    }
    manifest.enabled = actions.length > 0;
    await writeManifest(root, manifest);
  } catch (err) {
    await writeManifest(root, manifest).catch(() => undefined);
    throw new InstallError(
      [
        `initgen: install failed: ${whyFailed(err)}`,
        ...(done.length > 0 ? ['initgen: done so far:', ...done.map((d) => `  ${d}`)] : ['initgen: nothing was changed']),
        ...(done.length > 0 ? [`initgen: to undo it, run: ${undo}`] : []),
      ],
      1,
    );
  }
  opts.print(`installed ${name} for ${target}: ${files.length} file${files.length === 1 ? '' : 's'}${actions.length > 0 ? `, enabled with: ${actions.map(describe).join('; ')}` : opts.enable ? '' : ' (not enabled: --no-enable)'}`);
  const hint = opts.enable && root === '/' ? enabler.startHint?.(where) : undefined;
  if (hint !== undefined) opts.print(`start it now with: ${hint}`);
}
