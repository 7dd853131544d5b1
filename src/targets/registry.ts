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

export async function loadTarget(name: TargetName): Promise<Target> {
  const mod = (await import(`./${name}.js`)) as { target: Target };
  return mod.target;
}
