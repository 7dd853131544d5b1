// Fill in every default, so targets render from one complete shape. The defaults the
// library shares are in src/defaults.ts; those only a target uses are here.
import type { ConfigField } from './schema.js';
import type { InitgenConfig, NormalizedConfig } from './types.js';
import { programDefaults } from '../wrap/locate.js';
import { DEFAULTS, defaultLogfile, defaultPidfile } from '../defaults.js';

/** `config` must already be valid against the schema. */
export function normalize(config: InitgenConfig, nodePath: string = process.execPath): NormalizedConfig {
  const name = config.name;
  const program = programDefaults(config);
  return {
    name,
    description: config.description ?? name,
    longDescription: config.longDescription ?? config.description ?? name,
    script: config.script,
    args: config.args ?? [],
    node: config.node ?? nodePath,
    ...(config.user !== undefined && { user: config.user }),
    ...(config.group !== undefined && { group: config.group }),
    cwd: config.cwd ?? program.cwd ?? DEFAULTS.cwd,
    env: config.env ?? {},
    umask: (config.umask ?? DEFAULTS.umask).padStart(4, '0').slice(-3),
    pidfile: config.pidfile ?? defaultPidfile(name),
    logfile: config.logfile ?? defaultLogfile(name),
    ...(config.lockfile !== undefined && { lockfile: config.lockfile }),
    dependencies: config.dependencies ?? [],
    runlevels: {
      start: config.runlevels?.start ?? [...DEFAULTS.runlevels.start],
      stop: config.runlevels?.stop ?? [...DEFAULTS.runlevels.stop],
    },
    respawn: {
      enabled: config.respawn?.enabled ?? DEFAULTS.respawn.enabled,
      count: config.respawn?.count ?? DEFAULTS.respawn.count,
      seconds: config.respawn?.seconds ?? DEFAULTS.respawn.seconds,
    },
    readiness: config.readiness ?? DEFAULTS.readiness,
    startTimeout: config.startTimeout ?? DEFAULTS.startTimeout,
    stopTimeout: config.stopTimeout ?? DEFAULTS.stopTimeout,
    settleTime: config.settleTime ?? DEFAULTS.settleTime,
    ...(config.nice !== undefined && { nice: config.nice }),
    ...(config.nofile !== undefined && { nofile: config.nofile }),
    launchd: {
      label: config.launchd?.label ?? `initgen.${name}`,
      kind: config.launchd?.kind ?? 'daemon',
    },
    smf: {
      model: config.smf?.model ?? 'child',
      fmriPrefix: config.smf?.fmriPrefix ?? 'site',
    },
    hardening: {
      sandbox: config.hardening?.sandbox ?? true,
      protectSystem: config.hardening?.protectSystem ?? false,
      protectHome: config.hardening?.protectHome ?? false,
      systemCallFilter: config.hardening?.systemCallFilter ?? false,
      bindLowPorts: config.hardening?.bindLowPorts ?? false,
    },
    logRotation: config.logRotation ?? DEFAULTS.logRotation,
    ...(config.logMaxSize !== undefined && { logMaxSize: config.logMaxSize }),
    ...(config.logKeep !== undefined && { logKeep: config.logKeep }),
    program: program.kind,
    nodeArgs: program.nodeArgs,
    given: new Set(Object.keys(config).filter((k) => k !== '$schema') as ConfigField[]),
  };
}
