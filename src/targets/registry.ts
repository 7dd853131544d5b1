// The target registry: the CLI's target list, docs/targets.md, `initgen detect`, install
// and the golden tests derive from it. Modules load lazily so that `initgen --target
// systemd` pays only for systemd.
import type { Target } from './types.js';

// One line per target, in the order --target all and docs/targets.md list them; each
// import spelled out so that the CLI bundle (src/build/bundle.ts) can see every module.
const LOADERS = {
  sysv: () => import('./sysv.js'),
  upstart: () => import('./upstart.js'),
  smf: () => import('./smf.js'),
  launchd: () => import('./launchd.js'),
  systemd: () => import('./systemd.js'),
  openrc: () => import('./openrc.js'),
  runit: () => import('./runit.js'),
  daemontools: () => import('./daemontools.js'),
  logrotate: () => import('./logrotate.js'),
} as const satisfies Record<string, () => Promise<{ target: Target }>>;

export type TargetName = keyof typeof LOADERS;
export const TARGET_NAMES = Object.keys(LOADERS) as readonly TargetName[];

export function isTargetName(word: string): word is TargetName {
  return Object.hasOwn(LOADERS, word);
}

export async function loadTarget(name: TargetName): Promise<Target> {
  return (await LOADERS[name]()).target;
}

/** Every target, in registry order (`initgen detect` asks each for its evidence). */
export async function loadTargets(): Promise<Target[]> {
  return Promise.all(TARGET_NAMES.map(loadTarget));
}
