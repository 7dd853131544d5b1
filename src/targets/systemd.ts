// systemd service unit: the program runs in the foreground (`run`) under systemd.
import { dirname } from 'node:path';
import { runCommand } from '../command-line.js';
import { DEFAULTS } from '../defaults.js';
import type { NormalizedConfig } from '../config/types.js';
import { abstractDependency, type AbstractDependency, type ConfigField } from '../config/schema.js';
import {
  systemdDescription,
  systemdEnvAssignment,
  systemdExecArg,
  systemdPlainValue,
} from '../render/systemd.js';
import { logPrepareOneLine, openLogThen } from '../render/log-prepare.js';
import { generatedLine } from '../render/marker.js';
import { inRoot, isDir } from '../install/rootfs.js';
import { live, type Evidence } from './host.js';
import { escapeRegExp, mapped, ignored, unsupported, type RenderContext, type Target } from './types.js';

// systemd.special(7): targets that only order (After=) are passive or always in
// the boot transaction; network-online.target must also be pulled in (Wants=).
const DEPENDENCIES: Record<AbstractDependency, { after?: string; wants?: string }> = {
  network: { after: 'network-online.target', wants: 'network-online.target' },
  'remote-fs': { after: 'remote-fs.target' },
  'local-fs': { after: 'local-fs.target' },
  // syslog.target is gone; journald (which forwards to syslog) runs before every
  // service through the default dependencies on sysinit.target
  syslog: {},
  time: { after: 'time-sync.target' },
};

export const target: Target = {
  name: 'systemd',
  title: 'systemd service unit (runs `run` in the foreground)',
  unit: (config) => `${config.name}.service`,
  installPaths: (name) => new RegExp(`^lib/systemd/system/${escapeRegExp(name)}\\.service$`),
  rootRuns: 'withoutUser',
  enabler: {
    privileged: true,
    enable: (s) =>
      live(s)
        ? [
            { kind: 'run', argv: ['systemctl', 'daemon-reload'] },
            { kind: 'run', argv: ['systemctl', 'enable', s.unit] },
          ]
        : [{ kind: 'run', argv: ['systemctl', `--root=${s.root}`, 'enable', s.unit] }],
    disable: (s) =>
      live(s)
        ? [
            { kind: 'run', argv: ['systemctl', 'stop', s.unit], tolerate: true },
            { kind: 'run', argv: ['systemctl', 'disable', s.unit], tolerate: true },
          ]
        : [{ kind: 'run', argv: ['systemctl', `--root=${s.root}`, 'disable', s.unit], tolerate: true }],
    after: (s) => (live(s) ? [{ kind: 'run', argv: ['systemctl', 'daemon-reload'], tolerate: true }] : []),
    startHint: (s) => `systemctl start ${s.unit}`,
  },
  detection: { pid1: /(^|\/)systemd$/, probes: [{ rank: 10, probe: booted }] },
  fields: {
    name: mapped('unit name NAME.service'),
    description: mapped('Description= (one line; `%` doubled)'),
    longDescription: ignored('systemd units have a one-line Description= only'),
    script: mapped('ExecStart=NODE SCRIPT run'),
    args: mapped('ExecStart= after `--`, each quoted and C-escaped, `%` and `$` doubled'),
    node: mapped('ExecStart= executable'),
    user: mapped('User='),
    group: mapped('Group='),
    cwd: mapped('WorkingDirectory='),
    env: mapped('Environment="KEY=VALUE", one line per variable'),
    umask: mapped('UMask='),
    pidfile: ignored('not needed: Type=simple/notify, systemd tracks the main process itself'),
    logfile: mapped('ExecStartPre=+ (root) creates it when missing, owned by User=, and refuses a link or another user\'s file; ExecStart= opens it in sh after the switch to User= (not StandardOutput=append:, which PID 1 opens as root)'),
    lockfile: ignored('RHEL subsys lock files belong to SysV scripts'),
    dependencies: mapped('After=/Wants=: network-online.target, remote-fs.target, local-fs.target, time-sync.target, NAME.service; syslog needs nothing (journald)'),
    runlevels: unsupported('always WantedBy=multi-user.target (runlevels 2-4)'),
    respawn: mapped('Restart=on-failure, StartLimitBurst=COUNT, StartLimitIntervalSec=SECONDS'),
    readiness: mapped('"run": Type=simple; "explicit": Type=notify, NotifyAccess=all'),
    startTimeout: mapped('TimeoutStartSec='),
    settleTime: ignored('an early exit under a supervisor is a respawn, not a failed `start`'),
    program: mapped('plain: ExecStart=NODE --import=WRAPPER SCRIPT run'),
    stopTimeout: mapped('TimeoutStopSec= (SIGTERM, then SIGKILL)'),
    nice: mapped('Nice='),
    nofile: mapped('LimitNOFILE='),
    launchd: ignored('launchd only'),
    smf: ignored('SMF only'),
    hardening: mapped('sandbox: NoNewPrivileges=, PrivateTmp=, PrivateDevices=, ProtectKernel*=, ProtectControlGroups=, ProtectClock=, Restrict*=, LockPersonality=, CapabilityBoundingSet= (with User=); protectSystem, protectHome, systemCallFilter: ProtectSystem=, ProtectHome=, SystemCallFilter=@system-service; bindLowPorts: AmbientCapabilities=CAP_NET_BIND_SERVICE'),
    logRotation: { support: 'unsupported', how: 'the log file is the service\'s stdout itself (StandardOutput=append:): rotate it with the logrotate target (copytruncate)' },
    logMaxSize: { support: 'ignored', how: 'the logrotate target maps it (maxsize)' },
    logKeep: { support: 'ignored', how: 'the logrotate target maps it (rotate)' },
  },
  render(config, ctx) {
    return [
      {
        installPath: `lib/systemd/system/${config.name}.service`,
        outPath: `${config.name}.service`,
        mode: 0o644,
        content: ctx.template('unit.service.mustache', view(config, ctx)),
      },
    ];
  },
};

function view(c: NormalizedConfig, ctx: RenderContext): object {
  const after: string[] = [];
  const wants: string[] = [];
  for (const dep of c.dependencies) {
    const abstract = abstractDependency(dep);
    const known = abstract && DEPENDENCIES[abstract];
    const unit = known ? undefined : `${dep}.service`;
    const a = known ? known.after : unit;
    const w = known ? known.wants : unit;
    if (a !== undefined && !after.includes(a)) after.push(a);
    if (w !== undefined && !wants.includes(w)) wants.push(w);
  }
  const argv = runCommand(c);
  // docs/contract.md §3: PID 1 opens StandardOutput=append:FILE as root, following
  // links, before User= applies. Instead root only prepares the file (ExecStartPre=+,
  // see render/log-prepare.ts) and the service's own sh opens it after the switch.
  const owner = c.user === undefined ? '' : `${c.user}:${c.group ?? ''}`;
  const prepare = ['/bin/sh', '-c', logPrepareOneLine(), 'initgen', c.name, c.logfile, c.user ?? '', owner];
  const start = openLogThen(c.logfile, argv);
  return {
    marker: generatedLine(c.name),
    name: c.name,
    description: systemdDescription(c.description),
    after,
    wants,
    limitInterval: `${c.respawn.seconds}s`,
    limitBurst: c.respawn.count,
    type: c.readiness === 'explicit' ? 'notify' : 'simple',
    notify: c.readiness === 'explicit',
    execStartPre: prepare.map(systemdExecArg).join(' '),
    execStart: start.map(systemdExecArg).join(' '),
    restart: c.respawn.enabled ? 'on-failure' : 'no',
    user: plain(ctx, 'user', c.user),
    group: plain(ctx, 'group', c.group),
    cwd: plain(ctx, 'cwd', c.cwd) ?? DEFAULTS.cwd,
    env: Object.keys(c.env)
      .sort()
      .map((k) => systemdEnvAssignment(k, c.env[k] ?? '')),
    umask: `0${c.umask}`,
    nice: c.nice === undefined ? false : String(c.nice),
    nofile: c.nofile === undefined ? false : String(c.nofile),
    ...hardening(c, ctx),
    startTimeout: `${c.startTimeout}s`,
    stopTimeout: `${c.stopTimeout}s`,
  };
}

/** issue 10: sandboxing on by default; never MemoryDenyWriteExecute=, which V8's JIT cannot run under. */
function hardening(c: NormalizedConfig, ctx: RenderContext): object {
  const h = c.hardening;
  const caps = h.bindLowPorts ? 'CAP_NET_BIND_SERVICE' : '';
  if (h.bindLowPorts && c.user === undefined) {
    ctx.warn('hardening', 'bindLowPorts: without a user the service runs as root, which may bind any port already');
  }
  if (h.sandbox) {
    for (const [field, path] of [['logfile', c.logfile], ['cwd', c.cwd]] as const) {
      if (/^\/(var\/)?tmp(\/|$)/.test(path)) {
        ctx.warn('hardening', `PrivateTmp=yes gives the service its own /tmp and /var/tmp: ${field} ${path} is in it, not in the host's`);
      }
    }
  }
  return {
    sandbox: h.sandbox,
    // with a user, no capability at all unless asked: a root service keeps root's
    boundingSet: c.user !== undefined && (h.sandbox || h.bindLowPorts) ? { value: caps } : false,
    ambient: c.user !== undefined && h.bindLowPorts ? caps : false,
    protectSystem: h.protectSystem === false ? false : { value: h.protectSystem, logdir: systemdPlainValue(dirname(c.logfile)) ?? false },
    protectHome: h.protectHome,
    systemCallFilter: h.systemCallFilter,
  };
}

function plain(ctx: RenderContext, field: ConfigField, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const out = systemdPlainValue(value);
  if (out === undefined && (field === 'user' || field === 'group')) {
    // running as root instead of the named account would be worse than failing
    throw new Error(`systemd: field \`${field}\`: ${JSON.stringify(value)} cannot be written in a unit file`);
  }
  if (out === undefined) {
    ctx.warn(field, `${JSON.stringify(value)} cannot be written in a unit file (control character, edge blank or trailing backslash); left out`);
  }
  return out;
}

// sd_booted(3): systemd creates this directory at boot, and nothing else does.
async function booted(root: string): Promise<Evidence> {
  return (await isDir(inRoot(root, '/run/systemd/system')))
    ? { check: '/run/systemd/system', seen: 'directory exists', system: 'systemd' }
    : { check: '/run/systemd/system', seen: 'absent' };
}
