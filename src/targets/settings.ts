// The setting words a generated wrapper puts after the action (`node SCRIPT ACTION
// --initgen-KEY=VALUE ...`, docs/contract.md §6): the library reads no environment
// variable, so this is how one config drives the program. They win over the
// program's own options, its name included, so config and program agree by construction.
import type { NormalizedConfig } from '../config/types.js';

export type SettingKey =
  | 'name' | 'pidfile' | 'logfile' | 'lockfile' | 'user' | 'group' | 'cwd' | 'umask'
  | 'stop-timeout' | 'start-timeout' | 'settle-time' | 'env'
  | 'log-rotation' | 'log-max-size' | 'log-keep';

const ALL_SETTINGS: readonly SettingKey[] = [
  'name', 'pidfile', 'logfile', 'lockfile', 'user', 'group', 'cwd', 'umask',
  'stop-timeout', 'start-timeout', 'settle-time', 'log-rotation', 'log-max-size', 'log-keep', 'env',
];

/** The words for `keys` (in this fixed order), leaving out what the config does not set. */
export function settingWords(config: NormalizedConfig, keys: readonly SettingKey[] = ALL_SETTINGS): string[] {
  const values: Record<Exclude<SettingKey, 'env'>, string | undefined> = {
    name: config.name,
    pidfile: config.pidfile,
    logfile: config.logfile,
    lockfile: config.lockfile,
    user: config.user,
    group: config.group,
    cwd: config.cwd,
    umask: config.umask,
    'stop-timeout': String(config.stopTimeout),
    'start-timeout': String(config.startTimeout),
    'settle-time': String(config.settleTime),
    // the log fields only when set: the library's defaults are the config's
    'log-rotation': config.given.has('logRotation') ? config.logRotation : undefined,
    'log-max-size': config.logMaxSize === undefined ? undefined : String(config.logMaxSize),
    'log-keep': config.logKeep === undefined ? undefined : String(config.logKeep),
  };
  return ALL_SETTINGS.filter((key) => keys.includes(key)).flatMap((key) =>
    key === 'env'
      ? Object.keys(config.env).map((name) => `--initgen-env=${name}`)
      : values[key] === undefined ? [] : [`--initgen-${key}=${values[key]}`],
  );
}
