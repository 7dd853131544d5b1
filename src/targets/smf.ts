// SMF manifest (service_bundle(5), smf_method(7), svc.startd(8)) for illumos and Solaris.
// svc.startd runs a method as `/sbin/sh -c "exec EXEC"` after expanding `%`
// tokens (%% is a literal %), so exec strings are sh-quoted, `%` doubled, and
// then XML-escaped.
import { programArgs } from '../command-line.js';
import { abstractDependency, type AbstractDependency } from '../config/schema.js';
import type { NormalizedConfig } from '../config/types.js';
import { generatedLine } from '../render/marker.js';
import { shQuote } from '../render/sh.js';
import { xmlAttr, xmlComment, xmlText } from '../render/xml.js';
import { installed, live, toolProbe } from './host.js';
import { settingWords, type SettingKey } from './settings.js';
import { escapeRegExp, mapped, ignored, unsupported, type RenderContext, type Target } from './types.js';

// optional_all: satisfied when the service is absent or disabled, e.g. no NFS client or NTP.
const DEPENDENCIES: Record<AbstractDependency, { fmri: string; grouping: string }> = {
  network: { fmri: 'svc:/milestone/network:default', grouping: 'require_all' },
  'local-fs': { fmri: 'svc:/system/filesystem/local', grouping: 'require_all' },
  'remote-fs': { fmri: 'svc:/network/nfs/client', grouping: 'optional_all' },
  syslog: { fmri: 'svc:/system/system-log', grouping: 'optional_all' },
  time: { fmri: 'svc:/network/ntp', grouping: 'optional_all' },
};

// svc.startd averages over critical_failure_count starts, dividing by count - 1
const MIN_FAILURE_COUNT = 2;
const MAX_FAILURE_COUNT = 10;

export const target: Target = {
  name: 'smf',
  title: 'SMF manifest for illumos/Solaris (model "child" runs `run`; "contract" uses start/stop)',
  unit: (config) => `svc:/${serviceName(config)}`,
  installPaths: (name) => new RegExp(`^lib/svc/manifest/site/${escapeRegExp(name)}\\.xml$`),
  // the start, stop and refresh methods run node as root; the daemon drops privileges itself
  rootRuns: 'always',
  // Under --root, svc:/system/manifest-import imports /lib/svc/manifest at the next boot.
  enabler: {
    privileged: true,
    enable: (s) =>
      live(s)
        ? [
            { kind: 'run', argv: ['svccfg', 'import', installed(s, '.xml')] },
            { kind: 'run', argv: ['svcadm', 'enable', s.unit] },
          ]
        : [],
    disable: (s) =>
      live(s)
        ? [
            { kind: 'run', argv: ['svcadm', 'disable', '-s', s.unit], tolerate: true },
            { kind: 'run', argv: ['svccfg', 'delete', '-f', s.unit], tolerate: true },
          ]
        : [],
  },
  detection: { probes: [{ rank: 60, probe: toolProbe('svcadm', 'smf') }] },
  fields: {
    name: mapped('service svc:/PREFIX/NAME:default, bundle NAME, --initgen-name (the program takes this name)'),
    description: mapped('template common_name'),
    longDescription: mapped('template description'),
    script: mapped('exec_method start: NODE SCRIPT run (child) or start/stop/reload (contract), sh-quoted'),
    args: mapped('after `--` in the start method (not stop or refresh), sh-quoted, `%` doubled'),
    node: mapped('exec_method executable'),
    user: mapped('method_credential user='),
    group: mapped('method_credential group= (user root when only group is set)'),
    cwd: mapped('method_context working_directory=; contract: also --initgen-cwd, where the daemon runs'),
    env: mapped('method_environment envvar (svc.startd starts methods with a clean environment); each name as --initgen-env'),
    umask: mapped('--initgen-umask in every method (method_context has no umask)'),
    pidfile: mapped('child: not needed (svc.startd tracks the process contract); contract: --initgen-pidfile'),
    logfile: mapped('child: start method appends to it (>>LOGFILE 2>&1); contract: --initgen-logfile'),
    lockfile: mapped('contract: --initgen-lockfile; child: not used'),
    dependencies: mapped('dependency: milestone/network, system/filesystem/local, network/nfs/client, system/system-log, network/ntp (optional_all), svc:/PREFIX/NAME'),
    runlevels: unsupported('SMF has milestones, not runlevels; the service depends on filesystem/local'),
    respawn: mapped('svc.startd restarts always; startd/critical_failure_count (2-10) and critical_failure_period'),
    readiness: unsupported('contract: `start` waits as the program\'s own readiness option says; child: online once `run` starts'),
    startTimeout: mapped('start timeout_seconds (contract: plus 10 s, and --initgen-start-timeout)'),
    settleTime: mapped('contract: --initgen-settle-time; child: `run` in the foreground, an early exit is a restart'),
    program: mapped('plain: NODE --import=WRAPPER SCRIPT in every method'),
    stopTimeout: mapped('stop timeout_seconds (child: :kill then SIGKILL; contract: plus 10 s, and --initgen-stop-timeout)'),
    nice: unsupported('method_context has no priority (use a project(5) or priocntl)'),
    nofile: unsupported('method_context has no resource limits (use project(5) process.max-file-descriptor)'),
    launchd: ignored('launchd only'),
    smf: mapped('model: child (startd/duration child) or contract; fmriPrefix'),
    hardening: unsupported('no sandbox in a manifest; privileges= on method_credential can be set by hand'),
    logRotation: { support: 'unsupported', how: 'the start method appends to LOGFILE: rotate it with logadm(1M) -c (copytruncate)' },
    logMaxSize: { support: 'unsupported', how: 'set the size with logadm(1M) -s' },
    logKeep: { support: 'unsupported', how: 'set the count with logadm(1M) -C' },
  },
  render(config, ctx) {
    return [
      {
        installPath: `lib/svc/manifest/site/${config.name}.xml`,
        outPath: `${config.name}.xml`,
        mode: 0o444,
        content: ctx.template('manifest.xml.mustache', view(config, ctx)),
      },
    ];
  },
};

/** The service's FMRI without svc:/ (the manifest's service name). */
function serviceName(c: NormalizedConfig): string {
  return `${c.smf.fmriPrefix}/${fmriName(c.name)}`;
}

/** An FMRI path component: a letter first, then letters, digits, `_ . , -` (smf(7)). */
function fmriName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.,-]/g, '_');
  return /^[A-Za-z]/.test(s) ? s : `s${s}`;
}

function view(c: NormalizedConfig, ctx: RenderContext): object {
  const contract = c.smf.model === 'contract';
  const service = serviceName(c);
  if (fmriName(c.name) !== c.name) {
    ctx.warn('name', `"${c.name}" is not a valid SMF service name; using ${service}`);
  }

  const deps = [{ name: 'filesystem-local', ...DEPENDENCIES['local-fs'] }];
  for (const dep of c.dependencies) {
    const abstract = abstractDependency(dep);
    const known = abstract && DEPENDENCIES[abstract];
    const d = known ?? { fmri: `svc:/${c.smf.fmriPrefix}/${fmriName(dep)}`, grouping: 'require_all' };
    if (!deps.some((x) => x.fmri === d.fmri)) deps.push({ name: `dep-${fmriName(dep)}`, ...d });
  }
  if (!c.respawn.enabled) ctx.warn('respawn', 'svc.startd always restarts a failed child or contract service');
  if (!contract && c.readiness === 'explicit') {
    ctx.warn('readiness', 'the child model counts the service online once `run` starts; use smf.model "contract" to wait for ready()');
  }
  if (!contract) {
    // svc.startd tracks the child's process contract: neither file has a use
    for (const field of ['pidfile', 'lockfile'] as const) {
      if (c.given.has(field)) ctx.warn(field, 'not used by the child model (svc.startd tracks the process contract); only smf.model "contract" uses it');
    }
    if (c.given.has('settleTime')) ctx.warn('settleTime', 'not used by the child model: `run` stays in the foreground, an early exit is a restart; only smf.model "contract" uses it');
  }
  let count = c.respawn.count;
  if (count < MIN_FAILURE_COUNT || count > MAX_FAILURE_COUNT) {
    count = Math.min(MAX_FAILURE_COUNT, Math.max(MIN_FAILURE_COUNT, count));
    if (c.given.has('respawn')) ctx.warn('respawn', `startd/critical_failure_count must be 2-10; using ${count}`);
  }

  // settings as words after the action (the library reads no INITGEN_* variable); user,
  // group and cwd are method_credential's and method_context's. contract: working_directory
  // is only where `start` runs; the daemon it spawns changes to the cwd setting (default /),
  // so the setting carries it too
  const keys: SettingKey[] = contract
    ? ['name', 'pidfile', 'logfile', 'lockfile', 'cwd', 'umask', 'stop-timeout', 'start-timeout', 'settle-time', 'env']
    : ['name', 'umask', 'env'];
  const words = settingWords(c, keys);
  // Program arguments only where the library takes them (start, run): stop and
  // reload refuse them with exit 2, which svc.startd answers with maintenance.
  const cmd = (action: string, redirect = '', args = c.args): string =>
    xmlAttr([c.node, ...programArgs({ nodeArgs: c.nodeArgs, script: c.script, action, words, args })].map(shQuote).join(' ').concat(redirect).replace(/%/g, '%%'));

  const env: Record<string, string> = { ...c.env };
  const user = c.user ?? (c.group !== undefined ? 'root' : undefined);
  return {
    marker: xmlComment(generatedLine(c.name)),
    bundle: xmlAttr(c.name),
    service: xmlAttr(service),
    dependencies: deps.map((d) => ({ name: xmlAttr(d.name), grouping: d.grouping, fmri: xmlAttr(d.fmri) })),
    cwd: xmlAttr(c.cwd),
    credential:
      user !== undefined &&
      [`user="${xmlAttr(user)}"`, ...(c.group !== undefined ? [`group="${xmlAttr(c.group)}"`] : [])].join(' '),
    hasEnv: Object.keys(env).length > 0,
    env: Object.keys(env)
      .sort()
      .map((k) => ({ name: xmlAttr(k), value: xmlAttr(env[k] ?? '') })),
    methods: contract
      ? [
          { name: 'start', exec: cmd('start'), timeout: c.startTimeout + 10 },
          { name: 'stop', exec: cmd('stop', '', []), timeout: c.stopTimeout + 10 },
          { name: 'refresh', exec: cmd('reload', '', []), timeout: 60 },
        ]
      : [
          { name: 'start', exec: cmd('run', ` >>${shQuote(c.logfile)} 2>&1`), timeout: c.startTimeout },
          { name: 'stop', exec: ':kill', timeout: c.stopTimeout },
          { name: 'refresh', exec: ':kill -HUP', timeout: 60 },
        ],
    model: c.smf.model,
    modelNote: contract
      ? 'contract: start daemonizes and returns once ready; svc.startd watches the process contract'
      : 'child: start runs the program in the foreground; stop signals the process contract',
    rate: { count, seconds: c.respawn.seconds },
    commonName: xmlText(c.description),
    longDescription: xmlText(c.longDescription),
  };
}
