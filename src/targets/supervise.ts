// The supervise family: runit and daemontools service directories have the same shape
// (./run, ./log/run, an optional ./env envdir), are enabled the same way (the directory
// is scanned by a supervisor), and differ only in the tools that apply each setting. So
// both targets are this one module with a different Flavour.
import { dirname, posix } from 'node:path';
import { runCommand } from '../command-line.js';
import type { ConfigField } from '../config/schema.js';
import type { NormalizedConfig } from '../config/types.js';
import { SERVICE_PATH } from '../defaults.js';
import type { Action } from '../install/actions.js';
import { multilogLimits, svlogdConfig } from '../render/log-limits.js';
import { generatedLine } from '../render/marker.js';
import { shQuote, shQuoteAll } from '../render/sh.js';
import { at, type Site, type Supervised } from './host.js';
import { escapeRegExp, type FieldMapping, type RenderContext, type RenderedFile, type Target } from './types.js';

/** What ./run needs before NODE: each value already checked, paths already quoted. */
interface Wrapping {
  envdir?: string;
  user?: string;
  group?: string;
  nice?: number;
}

/**
 * docs/contract.md §5 (D2): node starts with an environment built from the config
 * only, as service(8) does: whatever the supervisor inherited (NODE_OPTIONS,
 * INITGEN_*, HOME=/root) never reaches it.
 */
export const CLEAN_PATH = `PATH=${SERVICE_PATH}`;

export interface Flavour {
  target: 'runit' | 'daemontools';
  /** where service directories live, relative to / */
  root: string;
  /** the scanned directory when --scan-dir is not given: the first that exists in the root, else the first */
  scanDirs: readonly string[];
  /** words (already shell-quoted) that go between `exec env -i PATH=...` and NODE */
  wrap(w: Wrapping, config: NormalizedConfig, ctx: RenderContext): string[];
  /** the words that run the logger as ACCOUNT (user, or user:group where the tool can), already quoted */
  dropTo(account: string): string[];
  /** the logger command, given the quoted log directory */
  logger(dir: string): string;
  /** the command an admin uses to stop it within SECONDS, since the supervisor never escalates */
  forceStop(seconds: string, name: string): string;
  /** the command that runs the service without restarts */
  once(name: string): string;
  /** what supervises ./run, for messages */
  supervisor: string;
}

/** Comments in sh end at a newline: fold every control character into a space. */
function shComment(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ');
}

/** argv and environ are NUL-terminated C strings: a NUL cannot reach any program. */
function assertNoNul(config: NormalizedConfig): void {
  const values: [string, string][] = [
    ['node', config.node],
    ['script', config.script],
    ...config.args.map((a, i): [string, string] => [`args[${i}]`, a]),
    ...Object.entries(config.env).map(([k, v]): [string, string] => [`env.${k}`, v]),
  ];
  for (const [field, value] of values) {
    if (value.includes('\0')) throw new Error(`${field} contains a NUL character, which no program can receive`);
  }
}

/**
 * envdir(8) and `chpst -e` take the first line of a file, strip trailing spaces and
 * tabs, and turn NULs into newlines: so a newline is written as NUL, and only a
 * value ending in a space or tab cannot be carried.
 */
function envdirCanCarry(value: string): boolean {
  return !/[ \t]$/.test(value);
}

function envdirFile(value: string): string {
  return `${value.replace(/\n/g, '\0')}\n`;
}

/** The directory svlogd/multilog write: dirname(logfile)/NAME, or LOGFILE.d if that is the log file itself. */
export function logDir(config: NormalizedConfig): string {
  const dir = posix.join(dirname(config.logfile), config.name);
  return dir === config.logfile ? `${config.logfile}.d` : dir;
}

/** Field table shared by both flavours; `own` supplies the lines that name each flavour's tools. */
export function superviseFields(
  f: Flavour,
  own: Pick<Record<ConfigField, FieldMapping>, 'user' | 'group' | 'nice' | 'env' | 'logfile' | 'logMaxSize' | 'logKeep'>,
): Record<ConfigField, FieldMapping> {
  return {
    name: { support: 'mapped', how: `service directory /${f.root}/NAME` },
    description: { support: 'mapped', how: 'comment at the top of ./run' },
    longDescription: { support: 'ignored', how: 'a service directory has no place for it' },
    script: { support: 'mapped', how: './run: exec NODE SCRIPT run' },
    args: { support: 'mapped', how: './run: after `--`, each one shell-quoted' },
    node: { support: 'mapped', how: './run: the program exec runs' },
    cwd: { support: 'mapped', how: './run: cd before exec' },
    umask: { support: 'mapped', how: './run: umask before exec' },
    pidfile: { support: 'ignored', how: `${f.supervisor} knows the pid; no pid file needed` },
    lockfile: { support: 'ignored', how: `${f.supervisor} tracks the service itself` },
    dependencies: { support: 'unsupported', how: 'no dependency mechanism in a service directory' },
    runlevels: { support: 'unsupported', how: 'no runlevels: the service runs while its directory is scanned' },
    respawn: {
      support: 'unsupported',
      how: `${f.supervisor} always restarts ./run (pausing 1 s) with no limit; \`${f.once('NAME')}\` runs it without restarts`,
    },
    readiness: { support: 'unsupported', how: 'up as soon as ./run is started; no readiness notification' },
    startTimeout: { support: 'unsupported', how: 'no start timeout' },
    settleTime: { support: 'ignored', how: 'an early exit under a supervisor is a respawn, not a failed `start`' },
    program: { support: 'mapped', how: 'plain: ./run: exec NODE --import=WRAPPER SCRIPT run' },
    stopTimeout: { support: 'unsupported', how: `never sends SIGKILL by itself; \`${f.forceStop('N', 'NAME')}\` does` },
    nofile: { support: 'mapped', how: './run: ulimit -n N (soft and hard limit, set as root before the user switch)' },
    launchd: { support: 'ignored', how: 'launchd only' },
    smf: { support: 'ignored', how: 'SMF only' },
    hardening: { support: 'unsupported', how: 'a service directory has no sandboxing' },
    logRotation: { support: 'ignored', how: 'the logger in log/run is already a log writer: it rotates by itself and loses nothing' },
    ...own,
  };
}

/** Warn about every field the user set that a service directory cannot express. */
function warnUnsupported(f: Flavour, config: NormalizedConfig, ctx: RenderContext): void {
  const { given } = config;
  if (given.has('dependencies') && config.dependencies.length > 0) {
    ctx.warn('dependencies', `${f.target} has no dependencies; ${config.dependencies.join(', ')} not waited for`);
  }
  if (given.has('respawn')) {
    const r = config.respawn;
    ctx.warn(
      'respawn',
      r.enabled
        ? `${f.supervisor} restarts ./run forever (at least 1 s apart); the limit of ${r.count} in ${r.seconds} s cannot be expressed`
        : `${f.supervisor} always restarts ./run; to run it without restarts use \`${f.once(config.name)}\``,
    );
  }
  if (given.has('stopTimeout')) {
    ctx.warn('stopTimeout', `${f.supervisor} never sends SIGKILL; use \`${f.forceStop(String(config.stopTimeout), config.name)}\``);
  }
}

function renderServiceDir(f: Flavour, config: NormalizedConfig, ctx: RenderContext): RenderedFile[] {
  assertNoNul(config);
  warnUnsupported(f, config, ctx);
  const { name } = config;
  const dir = `${f.root}/${name}`;
  const entries = Object.entries(config.env);
  const useEnvdir = entries.length > 0 && entries.every(([, v]) => envdirCanCarry(v));
  const files: RenderedFile[] = [];
  if (useEnvdir) {
    for (const [key, value] of entries) {
      files.push({ installPath: `${dir}/env/${key}`, outPath: `${name}/env/${key}`, mode: 0o644, content: envdirFile(value) });
    }
  }
  const wrapping: Wrapping = {
    ...(useEnvdir && { envdir: '"$svdir/env"' }),
    ...(config.user !== undefined && { user: config.user }),
    ...(config.group !== undefined && { group: config.group }),
    ...(config.nice !== undefined && { nice: config.nice }),
  };
  // env -i first: the tools after it, envdir included, then see only the fixed PATH
  // and the config's variables. Values envdir would alter are given to env(1)
  // itself, which passes every byte.
  const exported = useEnvdir ? [] : entries.map(([k, v]) => `${k}=${v}`);
  const literal = runCommand(config);
  const command = [shQuoteAll(['env', '-i', CLEAN_PATH, ...exported]), ...f.wrap(wrapping, config, ctx), shQuoteAll(literal)].join(' ');
  // shellcheck flags `$`, backquotes and backslashes inside single quotes, which are meant literally here.
  const quotedOnPurpose = (...words: string[]): boolean => words.some((word) => /[$`\\]/.test(word));
  const header = { name: shComment(name), marker: generatedLine(name), description: shComment(config.description) };
  // log/ first: svscan decides once, when it first sees the directory, whether it has a log service.
  files.push({
    installPath: `${dir}/log/run`,
    outPath: `${name}/log/run`,
    mode: 0o755,
    content: ctx.template('log-run', { ...header, ...loggerView(f, config, ctx), quotedOnPurpose: quotedOnPurpose(logDir(config)) }),
  });
  files.push({
    installPath: `${dir}/run`,
    outPath: `${name}/run`,
    mode: 0o755,
    content: ctx.template('run', {
      ...header,
      svdir: useEnvdir,
      quotedOnPurpose: quotedOnPurpose(config.cwd, ...literal, ...exported),
      umask: config.umask,
      cwd: shQuote(config.cwd),
      // ulimit sets the soft and the hard limit: node raises its soft limit to the
      // hard one at start, so a soft limit alone (chpst -o, softlimit -o) is lost
      nofile: config.nofile === undefined ? false : String(config.nofile),
      command,
    }),
  });
  return files;
}

/**
 * docs/contract.md §3: the logger runs as the service's user (root only when the
 * service itself does), in a log directory that user owns, so a symlink the service
 * plants there (e.g. DIR/current -> a root file) is followed with that user's rights.
 * The directory is created when missing and never changed when it exists; the one
 * above it must be root's alone, or log/run refuses to start.
 */
function loggerView(f: Flavour, config: NormalizedConfig, ctx: RenderContext): object {
  const dir = logDir(config);
  const user = config.user;
  // daemontools' setuidgid always takes the user's primary group
  const group = f.target === 'runit' ? config.group : undefined;
  const owner = user === undefined ? undefined : `${user}:${group ?? ''}`;
  const drop = owner === undefined ? [] : f.dropTo(group === undefined ? user! : `${user}:${group}`);
  // the size and count limits (issue 15): multilog takes them as actions before the
  // directory; svlogd reads them from DIR/config, written by the logger's user (tee)
  const limits = f.target === 'daemontools' ? multilogLimits(config, ctx) : [];
  const svlogdLines = f.target === 'runit' ? svlogdConfig(config, ctx).split('\n').filter(Boolean).join(' ') : '';
  return {
    logdir: shQuote(dir),
    parent: shQuote(posix.dirname(dir)),
    owner: owner === undefined ? false : shQuote(owner),
    ownerName: shQuote(user ?? 'root'),
    command: [...drop, f.logger([...limits, '"$dir"'].join(' '))].join(' '),
    svlogdConfig: svlogdLines,
    configAs: drop.length > 0 ? `${drop.join(' ')} ` : '',
  };
}

/** What both flavours' targets declare alike, from the flavour. */
export function superviseTarget(f: Flavour): Pick<Target, 'unit' | 'installPaths' | 'rootRuns' | 'render'> {
  return {
    unit: (config) => config.name,
    installPaths: (name) => new RegExp(`^${escapeRegExp(f.root)}/${escapeRegExp(name)}/(run|log/run|env/[^/]+)$`),
    // ./run starts node as `user` (chpst -u, setuidgid)
    rootRuns: 'withoutUser',
    render: (config, ctx) => renderServiceDir(f, config, ctx),
  };
}

/** Where the directory lives and what the supervisor adds to it (removed with it). */
export function supervised(f: Flavour, parked?: Supervised['parked']): Supervised {
  return {
    serviceDir: (name) => `/${f.root}/${name}`,
    scanDirs: f.scanDirs,
    runtime: ['supervise', 'log/supervise'],
    ...(parked !== undefined && { parked }),
  };
}

/** The link in the scanned directory, or undefined when the service directory is in it already. */
export function scanLink(f: Flavour, s: Site): string | undefined {
  const link = posix.join(s.scanDir, s.name);
  return link === `/${f.root}/${s.name}` ? undefined : link;
}

/** Enabling is linking the directory into the scanned one; a relative link resolves the same inside the root (at boot) and from this host. */
export function linkInto(f: Flavour, s: Site): Action[] {
  const link = scanLink(f, s);
  return link === undefined ? [] : [{ kind: 'symlink', path: at(s, link), target: posix.relative(posix.dirname(link), `/${f.root}/${s.name}`) }];
}

export function unlinkScan(f: Flavour, s: Site): Action[] {
  const link = scanLink(f, s);
  return link === undefined ? [] : [{ kind: 'unlink', path: at(s, link) }];
}
