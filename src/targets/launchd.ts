// macOS launchd job (launchd.plist(5)), built as data with the plist package, which
// does the XML escaping; keys are written in insertion order, so output is stable.
import type { PlistObject } from 'plist';
// Only the package's builder: its index also loads the parser and an XML DOM we never use (docs/benchmarks.md).
import plistBuild from 'plist/lib/build.js';
import { basename } from 'node:path';
import { runCommand } from '../command-line.js';
import type { NormalizedConfig } from '../config/types.js';
import { openLogThen } from '../render/log-prepare.js';
import { generatedLine } from '../render/marker.js';
import { isXmlSafe, xmlComment } from '../render/xml.js';
import { installed, live, toolProbe, type Site } from './host.js';
import type { RenderContext, RenderedFile, Target } from './types.js';

/** launchd spaces launches ThrottleInterval s apart: COUNT in SECONDS is one per SECONDS/COUNT. */
function throttleInterval(respawn: NormalizedConfig['respawn']): number {
  return Math.max(1, Math.ceil(respawn.seconds / respawn.count));
}

function job(config: NormalizedConfig, ctx: RenderContext): PlistObject {
  const { launchd, respawn } = config;
  const daemon = launchd.kind === 'daemon';
  for (const field of ['user', 'group'] as const) {
    if (config[field] !== undefined && !daemon) {
      ctx.warn(field, 'a launchd agent runs as the logged-in user; UserName/GroupName apply to daemons only');
    }
  }
  const argv = runCommand(config);
  // docs/contract.md §3: launchd opens StandardOutPath/StandardErrorPath as root,
  // following links, before UserName applies, so a service user who can write the log
  // directory could point the log at any file. With a user, the service's own sh opens
  // the log after the switch (as the systemd unit does); launchd has no root step to
  // create the directory first.
  const ownLog = daemon && config.user !== undefined;
  if (ownLog) {
    ctx.warn(
      'logfile',
      `launchd opens StandardOutPath as root, so the job opens ${config.logfile} itself as ${config.user}: ` +
        'its directory must exist and be writable by that user (launchd has no step that runs as root first)',
    );
  }
  const args = ownLog ? openLogThen(config.logfile, argv) : argv;
  const limits = config.nofile !== undefined ? { NumberOfFiles: config.nofile } : undefined;
  return {
    Label: launchd.label,
    ProgramArguments: args,
    ...(daemon && config.user !== undefined && { UserName: config.user }),
    ...(daemon && config.group !== undefined && { GroupName: config.group }),
    WorkingDirectory: config.cwd,
    // fromEntries: an env key such as "__proto__" stays an own key
    ...(Object.keys(config.env).length > 0 && { EnvironmentVariables: Object.fromEntries(Object.entries(config.env)) }),
    ...(!ownLog && { StandardOutPath: config.logfile, StandardErrorPath: config.logfile }),
    RunAtLoad: true,
    // Restart after a crash or a failing exit, not after a clean exit (the program
    // finished, or stopped on SIGTERM): KeepAlive true would relaunch it forever.
    KeepAlive: respawn.enabled ? { SuccessfulExit: false } : false,
    ...(respawn.enabled && { ThrottleInterval: throttleInterval(respawn) }),
    ExitTimeOut: config.stopTimeout,
    Umask: Number.parseInt(config.umask, 8),
    ...(config.nice !== undefined && { Nice: config.nice }),
    ...(limits && { SoftResourceLimits: limits, HardResourceLimits: { ...limits } }),
  };
}

function warnUnsupported(config: NormalizedConfig, ctx: RenderContext): void {
  const { given } = config;
  if (given.has('dependencies') && config.dependencies.length > 0) {
    ctx.warn('dependencies', `launchd has no dependencies; ${config.dependencies.join(', ')} not waited for`);
  }
  if (given.has('respawn') && config.respawn.enabled) {
    ctx.warn(
      'respawn',
      `launchd never gives up restarting; the limit of ${config.respawn.count} in ${config.respawn.seconds} s ` +
        `becomes ThrottleInterval ${throttleInterval(config.respawn)} s between launches`,
    );
  }
}

function checkXmlText(config: NormalizedConfig): void {
  const values: [string, string][] = [
    ['node', config.node],
    ['script', config.script],
    ['cwd', config.cwd],
    ['logfile', config.logfile],
    ...config.args.map((a, i): [string, string] => [`args[${i}]`, a]),
    ...Object.entries(config.env).map(([k, v]): [string, string] => [`env.${k}`, v]),
  ];
  for (const [field, value] of values) {
    if (!isXmlSafe(value)) throw new Error(`${field} contains a control character an XML property list cannot carry`);
  }
}

export const target: Target = {
  name: 'launchd',
  title: 'macOS launchd property list (LaunchDaemons or LaunchAgents)',
  unit: (config) => config.launchd.label,
  // the label is the config's own (launchd.label), not the name
  installPaths: () => /^Library\/Launch(Daemons|Agents)\/[A-Za-z0-9][A-Za-z0-9_.-]*\.plist$/,
  rootRuns: 'withoutUser',
  // launchd loads /Library/LaunchDaemons at boot; bootstrap loads it now.
  enabler: {
    privileged: true,
    enable: (s) => (live(s) ? [{ kind: 'run', argv: ['launchctl', 'bootstrap', domain(s), installed(s, '.plist')] }] : []),
    disable: (s) =>
      live(s) ? [{ kind: 'run', argv: ['launchctl', 'bootout', `${domain(s)}/${basename(installed(s, '.plist'), '.plist')}`], tolerate: true }] : [],
  },
  detection: { pid1: /(^|\/)launchd$/, probes: [{ rank: 50, probe: toolProbe('launchctl', 'launchd') }] },
  fields: {
    name: { support: 'mapped', how: 'default Label initgen.NAME' },
    description: { support: 'mapped', how: 'XML comment at the top' },
    longDescription: { support: 'ignored', how: 'launchd.plist has no description key' },
    script: { support: 'mapped', how: 'ProgramArguments: NODE SCRIPT run (behind /bin/sh -c when user is set, see logfile)' },
    args: { support: 'mapped', how: 'ProgramArguments, after "--", one <string> each' },
    node: { support: 'mapped', how: 'ProgramArguments[0]' },
    user: { support: 'mapped', how: 'UserName (daemons only; an agent warns)' },
    group: { support: 'mapped', how: 'GroupName (daemons only; an agent warns)' },
    cwd: { support: 'mapped', how: 'WorkingDirectory' },
    env: { support: 'mapped', how: 'EnvironmentVariables' },
    umask: { support: 'mapped', how: 'Umask (integer)' },
    pidfile: { support: 'ignored', how: 'launchd knows the pid; no pid file needed' },
    logfile: {
      support: 'mapped',
      how: 'StandardOutPath and StandardErrorPath; with user set, the job\'s /bin/sh opens it after UserName applies (its directory must exist, writable by the user)',
    },
    lockfile: { support: 'ignored', how: 'launchd tracks the job itself' },
    dependencies: { support: 'unsupported', how: 'launchd has no dependencies' },
    runlevels: { support: 'unsupported', how: 'launchd has no runlevels; RunAtLoad at boot or login' },
    respawn: {
      support: 'mapped',
      how: 'KeepAlive {SuccessfulExit false} (restart unless it exits 0); ThrottleInterval = ceil(seconds/count); never gives up',
    },
    readiness: { support: 'unsupported', how: 'launchd does not wait for readiness' },
    startTimeout: { support: 'unsupported', how: 'launchd has no start timeout' },
    stopTimeout: { support: 'mapped', how: 'ExitTimeOut' },
    settleTime: { support: 'ignored', how: 'an early exit under a supervisor is a respawn, not a failed `start`' },
    program: { support: 'mapped', how: 'plain: ProgramArguments NODE --import=WRAPPER SCRIPT run' },
    nice: { support: 'mapped', how: 'Nice' },
    nofile: { support: 'mapped', how: 'SoftResourceLimits and HardResourceLimits NumberOfFiles' },
    launchd: { support: 'mapped', how: 'Label; kind: /Library/LaunchDaemons or /Library/LaunchAgents' },
    smf: { support: 'ignored', how: 'SMF only' },
    hardening: { support: 'unsupported', how: 'launchd.plist has no sandboxing keys for a daemon' },
    logRotation: { support: 'unsupported', how: 'launchd opens StandardOutPath itself: rotate it with newsyslog.conf(5)' },
    logMaxSize: { support: 'unsupported', how: 'set the size in newsyslog.conf(5)' },
    logKeep: { support: 'unsupported', how: 'set the count in newsyslog.conf(5)' },
  },
  render(config, ctx): RenderedFile[] {
    checkXmlText(config);
    warnUnsupported(config, ctx);
    const { label, kind } = config.launchd;
    const marker = `<!-- ${xmlComment(`${generatedLine(config.name)} ${config.description}`)} -->`;
    // The comment goes after the DOCTYPE: nothing may precede the XML declaration.
    const xml = plistBuild.build(job(config, ctx)).replace(/<!DOCTYPE[^>]*>\n/, (doctype) => `${doctype}${marker}\n`);
    const dir = kind === 'daemon' ? 'LaunchDaemons' : 'LaunchAgents';
    return [{ installPath: `Library/${dir}/${label}.plist`, outPath: `${label}.plist`, mode: 0o644, content: `${xml}\n` }];
  },
};

function domain(s: Site): string {
  const agent = installed(s, '.plist').includes('/LaunchAgents/');
  return agent ? `gui/${process.env.SUDO_UID ?? process.getuid?.() ?? 0}` : 'system';
}
