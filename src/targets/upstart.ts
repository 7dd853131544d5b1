// Upstart job (init(5), upstart 1.x): the program runs in the foreground (`run`).
import { posix } from 'node:path';
import { runCommand } from '../command-line.js';
import { abstractDependency, type AbstractDependency } from '../config/schema.js';
import type { NormalizedConfig } from '../config/types.js';
import { findTool, readSmall } from '../install/rootfs.js';
import { generatedLine } from '../render/marker.js';
import { NL_VAR, nihQuotable, nihQuote, scriptWord } from '../render/upstart.js';
import { live, type Evidence } from './host.js';
import { escapeRegExp, mapped, ignored, unsupported, type RenderContext, type Target } from './types.js';

// Events emitted by Ubuntu's upstart jobs (mountall, ifupdown, rsyslog).
const EVENTS: Record<AbstractDependency, string | undefined> = {
  network: 'net-device-up IFACE!=lo',
  'remote-fs': 'remote-filesystems',
  'local-fs': 'local-filesystems',
  syslog: 'started rsyslog',
  time: undefined,
};

export const target: Target = {
  name: 'upstart',
  title: 'Upstart job /etc/init/NAME.conf (runs `run` in the foreground)',
  unit: (config) => config.name,
  installPaths: (name) => new RegExp(`^etc/init/${escapeRegExp(name)}\\.conf$`),
  rootRuns: 'withoutUser',
  // A job with a `start on` stanza is enabled by existing.
  enabler: {
    privileged: true,
    enable: (s) => (live(s) ? [{ kind: 'run', argv: ['initctl', 'reload-configuration'] }] : []),
    disable: (s) => (live(s) ? [{ kind: 'run', argv: ['initctl', 'stop', s.name], tolerate: true }] : []),
    after: (s) => (live(s) ? [{ kind: 'run', argv: ['initctl', 'reload-configuration'], tolerate: true }] : []),
    startHint: (s) => `initctl start ${s.name}`,
  },
  detection: { pid1: /(^|\/)upstart$/, probes: [{ rank: 30, probe: initctl }] },
  fields: {
    name: mapped('job name /etc/init/NAME.conf'),
    description: mapped('`description` (one libnih-quoted token; line breaks become spaces)'),
    longDescription: ignored('upstart has a one-line description only'),
    script: mapped('`exec NODE SCRIPT run` in a script block (sh-quoted)'),
    args: mapped('after `--` on the exec line, each sh-quoted'),
    node: mapped('exec line'),
    user: mapped('setuid'),
    group: mapped('setgid'),
    cwd: mapped('chdir'),
    env: mapped('`env KEY=VALUE` (libnih-quoted); a value with a line break is exported in the script block instead'),
    umask: mapped('umask'),
    pidfile: ignored('not needed: upstart tracks the foreground process itself'),
    logfile: mapped('`exec >>LOGFILE 2>&1` in the script block, opened as the setuid user; `console log` catches what comes before'),
    lockfile: ignored('RHEL subsys lock files belong to SysV scripts'),
    dependencies: mapped('start on: net-device-up IFACE!=lo, remote-filesystems, local-filesystems, started rsyslog, started NAME (stop on stopping NAME); time has no event'),
    runlevels: mapped('`and runlevel [START]` in start on, `stop on runlevel [STOP]`'),
    respawn: mapped('respawn, respawn limit COUNT SECONDS'),
    readiness: unsupported('upstart considers the job started once the process runs (`expect stop` would need the program to SIGSTOP itself)'),
    startTimeout: unsupported('upstart has no start timeout'),
    stopTimeout: mapped('kill timeout'),
    settleTime: ignored('an early exit under a supervisor is a respawn, not a failed `start`'),
    program: mapped('plain: exec NODE --import=WRAPPER SCRIPT run'),
    nice: mapped('nice'),
    nofile: mapped('limit nofile N N'),
    launchd: ignored('launchd only'),
    smf: ignored('SMF only'),
    hardening: unsupported('upstart has no sandboxing'),
    logRotation: { support: 'unsupported', how: 'the script block opens LOGFILE itself: rotate it with the logrotate target (copytruncate)' },
    logMaxSize: { support: 'ignored', how: 'the logrotate target maps it (maxsize)' },
    logKeep: { support: 'ignored', how: 'the logrotate target maps it (rotate)' },
  },
  render(config, ctx) {
    return [
      {
        installPath: `etc/init/${config.name}.conf`,
        outPath: `${config.name}.conf`,
        mode: 0o644,
        content: ctx.template('job.conf.mustache', view(config, ctx)),
      },
    ];
  },
};

function view(c: NormalizedConfig, ctx: RenderContext): object {
  const events: string[] = [];
  const stopping: string[] = [];
  for (const dep of c.dependencies) {
    const known = abstractDependency(dep);
    if (known !== undefined) {
      const ev = EVENTS[known];
      if (ev === undefined) ctx.warn('dependencies', `upstart has no event for "${dep}"; not waited for`);
      else events.push(ev);
    } else {
      events.push(`started ${dep}`);
      stopping.push(`stopping ${dep}`);
    }
  }
  const runlevel = `runlevel [${c.runlevels.start.join('')}]`;
  const startOn = events.length > 0 ? `(${events.join(' and ')}) and ${runlevel}` : runlevel;
  const stopOn = [`runlevel [${c.runlevels.stop.join('')}]`, ...stopping].join(' or ');

  const keys = Object.keys(c.env).sort();
  const argv = runCommand(c);
  const scriptEnv = keys.filter((k) => !nihQuotable(c.env[k] ?? '')).map((k) => `${k}=${scriptWord(c.env[k] ?? '')}`);
  const command = argv.map(scriptWord).join(' ');
  const logfile = scriptWord(c.logfile);
  return {
    marker: generatedLine(c.name),
    description: nihQuote(c.description.replace(/[\x00-\x1f\x7f]+/g, ' ').trim()),
    startOn,
    stopOn,
    respawn: c.respawn.enabled && { count: c.respawn.count, seconds: c.respawn.seconds },
    user: c.user !== undefined && nihQuote(c.user),
    group: c.group !== undefined && nihQuote(c.group),
    cwd: nihQuote(c.cwd),
    umask: c.umask,
    nice: c.nice !== undefined && String(c.nice),
    nofile: c.nofile !== undefined && String(c.nofile),
    stopTimeout: c.stopTimeout,
    env: keys.filter((k) => nihQuotable(c.env[k] ?? '')).map((k) => nihQuote(`${k}=${c.env[k] ?? ''}`)),
    nlVar: [command, logfile, ...scriptEnv].some((w) => w.includes(`\${${NL_VAR}}`)) && NL_VAR,
    scriptEnv,
    logfile,
    command,
  };
}

// Upstart's initctl carries its package name ("initctl (upstart 1.12.1)"); the bytes of
// the file are read, as `strings` would, never run (src/install/detect.ts).
async function initctl(root: string): Promise<Evidence> {
  const check = 'initctl mentions upstart';
  const tool = await findTool(root, 'initctl');
  if (tool === undefined) return { check, seen: 'no initctl' };
  const seen = `/${posix.relative(root, tool)}`;
  return /upstart/i.test(await readSmall(tool, 8 << 20)) ? { check, seen: `${seen} is upstart's`, system: 'upstart' } : { check, seen: `${seen} is not upstart's` };
}
