// The target registry: the CLI's target list, docs/targets.md and the golden tests derive from it.
// Modules load lazily so that `initgen --target systemd` pays only for systemd.
import type { Target } from './types.js';

export const TARGET_NAMES = [
  'sysv',
  'upstart',
  'smf',
  'launchd',
  'systemd',
  'openrc',
  'runit',
  'daemontools',
  'logrotate',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export function isTargetName(word: string): word is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(word);
}

// One line per target, spelled out so that the CLI bundle (src/build/bundle.ts) can see every module.
const LOADERS: Record<TargetName, () => Promise<{ target: Target }>> = {
  sysv: () => import('./sysv.js'),
  upstart: () => import('./upstart.js'),
  smf: () => import('./smf.js'),
  launchd: () => import('./launchd.js'),
  systemd: () => import('./systemd.js'),
  openrc: () => import('./openrc.js'),
  runit: () => import('./runit.js'),
  daemontools: () => import('./daemontools.js'),
  logrotate: () => import('./logrotate.js'),
};

export async function loadTarget(name: TargetName): Promise<Target> {
  return (await LOADERS[name]()).target;
}
