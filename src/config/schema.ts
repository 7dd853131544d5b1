// The published JSON Schema of an initgen config file (`initgen schema` prints it).
// It is the single source of truth for validation; `types.ts` mirrors it for TypeScript.
// Its patterns and the defaults its descriptions name come from their own homes, which
// the library shares (src/patterns.ts, src/defaults.ts).
import { DEFAULTS } from '../defaults.js';
import { ACCOUNT, ENV_NAME, FMRI_PREFIX, LAUNCHD_LABEL, SERVICE_NAME, UMASK } from '../patterns.js';

const absolutePath = { type: 'string', pattern: '^/', minLength: 2 } as const;

export const DEPENDENCY_NAMES = ['network', 'remote-fs', 'local-fs', 'syslog', 'time'] as const;
export type AbstractDependency = (typeof DEPENDENCY_NAMES)[number];

/**
 * DEP when it is an abstract name, else undefined (another service's name). Each
 * target maps the names with a Record<AbstractDependency, ...>, looked up only through
 * this: a plain `map[dep]` finds "constructor", a valid service name, on Object's prototype.
 */
export function abstractDependency(dep: string): AbstractDependency | undefined {
  return DEPENDENCY_NAMES.find((name) => name === dep);
}

export const SERVICE_NAME_PATTERN = SERVICE_NAME.source;

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://initgen.dev/schema/initgen.schema.json',
  title: 'initgen service configuration',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'script'],
  properties: {
    $schema: { type: 'string' },
    name: {
      type: 'string',
      pattern: SERVICE_NAME_PATTERN,
      description: 'Service name: letters, digits, "_", ".", "@", "-"; starts with a letter or digit; at most 64 characters.',
    },
    description: { type: 'string', minLength: 1, description: 'One-line description (LSB Short-Description, systemd Description=).' },
    longDescription: { type: 'string', minLength: 1, description: 'Longer description (LSB Description).' },
    script: { ...absolutePath, description: 'Absolute path of the Node program that calls init.simple().' },
    args: { type: 'array', items: { type: 'string' }, description: 'Extra arguments, passed after "--" to the program.' },
    node: { ...absolutePath, description: 'Absolute path of the node binary the service runs with. Default: the node running initgen.' },
    user: { type: 'string', minLength: 1, pattern: ACCOUNT.source, description: 'User to run as.' },
    group: { type: 'string', minLength: 1, pattern: ACCOUNT.source, description: 'Group to run as.' },
    cwd: { type: 'string', pattern: '^/', description: `Working directory. Default "${DEFAULTS.cwd}".` },
    env: {
      type: 'object',
      propertyNames: { pattern: ENV_NAME.source },
      additionalProperties: { type: 'string' },
      description: 'Environment variables.',
    },
    umask: { type: 'string', pattern: UMASK.source, description: `File mode creation mask, octal. Default "${DEFAULTS.umask}".` },
    pidfile: { ...absolutePath, description: 'Pid file. Default /run/NAME.pid.' },
    logfile: { ...absolutePath, description: 'Log file for stdout and stderr. Default /var/log/NAME.log.' },
    lockfile: { ...absolutePath, description: 'Optional RHEL-style lock file (/var/lock/subsys/NAME).' },
    dependencies: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', pattern: SERVICE_NAME_PATTERN },
      description: `Services this one needs: abstract names (${DEPENDENCY_NAMES.join(', ')}) or other service names.`,
    },
    runlevels: {
      type: 'object',
      additionalProperties: false,
      properties: {
        start: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['S', '0', '1', '2', '3', '4', '5', '6'] } },
        stop: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['S', '0', '1', '2', '3', '4', '5', '6'] } },
      },
      description: `SysV runlevels. Default start ${DEFAULTS.runlevels.start.join(' ')}, stop ${DEFAULTS.runlevels.stop.join(' ')}.`,
    },
    respawn: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        count: { type: 'integer', minimum: 1 },
        seconds: { type: 'integer', minimum: 1 },
      },
      description: `Restart the service when it dies: at most COUNT restarts in SECONDS. Default enabled, ${DEFAULTS.respawn.count} in ${DEFAULTS.respawn.seconds} s.`,
    },
    readiness: {
      type: 'string',
      enum: ['run', 'explicit'],
      description: `"run": ready once run() is entered; "explicit": the program calls ready(). Default "${DEFAULTS.readiness}".`,
    },
    startTimeout: { type: 'integer', minimum: 1, maximum: 86400, description: `Seconds to wait for readiness. Default ${DEFAULTS.startTimeout}.` },
    stopTimeout: { type: 'integer', minimum: 1, maximum: 86400, description: `Seconds between SIGTERM and SIGKILL. Default ${DEFAULTS.stopTimeout}.` },
    settleTime: {
      type: 'number',
      minimum: 0,
      maximum: 86400,
      description: `With readiness "run": seconds the daemon must stay alive after run() is entered for \`start\` to succeed; 0: none. Default ${DEFAULTS.settleTime}.`,
    },
    nice: { type: 'integer', minimum: -20, maximum: 19, description: 'Scheduling priority.' },
    nofile: { type: 'integer', minimum: 1, description: 'Open-file limit (RLIMIT_NOFILE).' },
    launchd: {
      type: 'object',
      additionalProperties: false,
      properties: {
        label: { type: 'string', pattern: LAUNCHD_LABEL.source },
        kind: { type: 'string', enum: ['daemon', 'agent'] },
      },
      description: 'launchd: label (default "initgen.NAME") and daemon or agent (default daemon).',
    },
    // Issue 16: programs that do not call init.simple() themselves (docs/unmodified.md).
    program: {
      type: 'string',
      enum: ['initgen', 'plain'],
      description: '"initgen": the script calls init.simple(); "plain": an unmodified program, run inside initgen\'s wrapper (node --import). Default "initgen".',
    },
    smf: {
      type: 'object',
      additionalProperties: false,
      properties: {
        model: { type: 'string', enum: ['child', 'contract'] },
        fmriPrefix: { type: 'string', pattern: FMRI_PREFIX.source },
      },
      description: 'SMF: service model (default "child": runs `run` in the foreground) and FMRI prefix (default "site").',
    },
    // wt-gen (issue 10): sandboxing of the generated unit
    hardening: {
      type: 'object',
      additionalProperties: false,
      properties: {
        sandbox: { type: 'boolean' },
        protectSystem: { enum: ['strict', 'full', false] },
        protectHome: { type: 'boolean' },
        systemCallFilter: { type: 'boolean' },
        bindLowPorts: { type: 'boolean' },
      },
      description:
        'systemd sandboxing. sandbox (default true): NoNewPrivileges, PrivateTmp, PrivateDevices, the Protect* kernel and clock settings, ' +
        'RestrictSUIDSGID, RestrictRealtime, LockPersonality, and with a user an empty CapabilityBoundingSet. ' +
        'protectSystem ("strict", "full" or false, default false), protectHome and systemCallFilter (@system-service) are opt-in. ' +
        'bindLowPorts (default false): the user may bind ports below 1024 (CAP_NET_BIND_SERVICE).',
    },
    // wt-logs (issue 15): how the log is rotated, and its size and count limits
    logRotation: {
      type: 'string',
      enum: ['copytruncate', 'writer'],
      description: `Log rotation without a restart: "${DEFAULTS.logRotation}" (default; logrotate copies then truncates, which can lose lines) or "writer" (a log writer process between the daemon and the file, which loses none).`,
    },
    logMaxSize: {
      type: 'integer',
      minimum: 0,
      description: 'Rotate the log when it would pass this many bytes (multilog s, svlogd s, logrotate maxsize, the log writer). 0: no size limit. Default: each tool\'s own.',
    },
    logKeep: {
      type: 'integer',
      minimum: 0,
      description: `Rotated log files kept (multilog n, svlogd n, logrotate rotate, the log writer). Default: each tool's own (logrotate snippet ${DEFAULTS.logrotateKeep}, library writer ${DEFAULTS.logKeep}).`,
    },
  },
} as const;

/** Every top-level field, so each target can be made to declare what it does with it. */
export const CONFIG_FIELDS = Object.keys(configSchema.properties).filter(
  (f) => f !== '$schema',
) as Exclude<keyof typeof configSchema.properties, '$schema'>[];
export type ConfigField = (typeof CONFIG_FIELDS)[number];
