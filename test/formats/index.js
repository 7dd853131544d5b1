// The format checks, one module per target format, found through the target
// registry: every name in TARGET_NAMES must have test/formats/NAME.js, so a new
// target without a format check fails test/golden/validate.test.js instead of
// being skipped.
//
// Each module exports:
//   check(subject, options) -> Promise<Report>   (status 0 pass, 1 fail, 3 cannot check here)
//   picks(path)       which rendered files it takes (by path inside a case), or
//   subjectsOf(paths) the subjects made of them (runit/daemontools: service dirs)
//   goldenOptions     options for checking golden files (no runtime checks)
//   description, usage
import { existsSync } from 'node:fs';
import { TARGET_NAMES } from '../../dist/targets/registry.js';
import { isRoot, missingReason, which } from './lib.js';

export { TARGET_NAMES };

/** The format check of a target, or undefined when it has none. */
export async function formatCheck(name) {
  const url = new URL(`./${name}.js`, import.meta.url);
  if (!existsSync(url)) return undefined;
  return import(url.href);
}

/** The subjects (file paths relative to a case folder) a format check takes. */
export function subjects(mod, paths) {
  if (mod.subjectsOf) return mod.subjectsOf(paths);
  return paths.filter((p) => mod.picks(p));
}

/**
 * Why a format check cannot run on this machine (a missing tool, or root for the
 * runtime check), or false. Tests use it as their skip reason.
 */
export async function cannotCheck(name, { runtime = false } = {}) {
  const mod = await formatCheck(name);
  if (!mod) return `no format check for target ${name} (test/formats/${name}.js)`;
  const missing = [...mod.tools, ...(runtime ? mod.runTools : [])].filter((t) => !which(t));
  if (missing.length) return missingReason(missing);
  const machine = mod.requirements?.();
  if (machine) return machine;
  if (runtime && !isRoot) return `needs root: the ${name} runtime check starts the service as its manager would`;
  return false;
}
