// The program's own configuration files (issue 14; docs/contract.md §1 for LSB 6):
// found, read safely, merged, validated, handed to run() as ctx.config, re-read on reload.
// Loaded only by the actions that need a config: never on the plain `status` path.
// The package has no run-time dependencies (docs/design.md): a bare require('yaml')
// would walk node_modules up to / and load whatever is planted there, as root. yaml
// is the parser the package ships beside its CLI (dist/bundle/yaml.cjs, a relative
// path); ajv, for a schema, is the program's own dependency, resolved from the
// program's script as its own imports are.
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseJson, parseYaml } from '../config/parse-text.js';
import { fs, requireBuiltin } from './builtins.js';
import type { ResolvedOptions, RunContext } from './options.js';
import { ServiceFailure } from './outcome.js';
import { needsSwitch, targetIdentity } from './privileges.js';
import { othersCanWrite } from './trusted-path.js';

/** `config: true` or an object (docs/api.md "Configuration files"). */
export interface ConfigOption {
  /** a JSON Schema the merged config must satisfy (validated with ajv) */
  schema?: object;
  /** system-wide files to look for, first found wins (default /etc/NAME/config.{json,yaml,yml}) */
  files?: string[];
  /** false: no file at all is an empty config ({}), not LSB 6 */
  required?: boolean;
}

export type Config = Record<string, unknown>;

const loadPackage = createRequire(import.meta.url);

/** The shipped parser: beside the library bundle (dist/) or the tsc output (dist/service/). */
function loadYaml(): typeof import('yaml') {
  for (const candidate of ['./bundle/yaml.cjs', '../bundle/yaml.cjs']) {
    try {
      return loadPackage(candidate) as typeof import('yaml');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  throw new ServiceFailure('notConfigured', 'YAML config files need the yaml parser the package ships (dist/bundle/yaml.cjs): run npm run build');
}

/** ajv as the program itself would import it: from its script's directory up. */
function loadAjv(script: string): { default: typeof import('ajv').default } {
  try {
    // builtins' require, not this module's createRequire: the bundle answers that one
    // with its own require, which resolves from the package, not from the program
    const { createRequire: requireFrom } = requireBuiltin<typeof import('node:module')>('node:module');
    const found = requireFrom(script)('ajv') as { default?: typeof import('ajv').default };
    return { default: found.default ?? (found as unknown as typeof import('ajv').default) };
  } catch {
    throw new ServiceFailure('notConfigured', `the config \`schema\` needs the ajv package installed for the program (npm install ajv next to ${script})`);
  }
}
const CONFIG_MAX_BYTES = 1024 * 1024;
const EXTENSIONS = ['json', 'yaml', 'yml'];

export function normalizeConfigOption(given: unknown): ConfigOption | undefined {
  if (given === undefined || given === false) return undefined;
  if (given === true) return {};
  if (given !== null && typeof given === 'object' && !Array.isArray(given)) {
    const { schema, files, required } = given as ConfigOption;
    const bad = (what: string) => new ServiceFailure('notConfigured', `Invalid option \`config\`: ${what}`);
    if (schema !== undefined && (schema === null || typeof schema !== 'object')) throw bad('`schema` must be a JSON Schema object');
    if (files !== undefined && (!Array.isArray(files) || !files.every((f) => typeof f === 'string' && f.startsWith('/')))) throw bad('`files` must be absolute paths');
    if (required !== undefined && typeof required !== 'boolean') throw bad('`required` must be true or false');
    return given as ConfigOption;
  }
  throw new ServiceFailure('notConfigured', 'Invalid option `config`: expected true or { schema, files, required }');
}

/** `--config FILE` or `--config=FILE` among the program's arguments (after `--`). */
export function configArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--config') return args[i + 1] ?? '';
    if (word.startsWith('--config=')) return word.slice('--config='.length);
  }
  return undefined;
}

function notConfigured(file: string, why: string): ServiceFailure {
  return new ServiceFailure('notConfigured', `config file ${file}: ${why}`);
}

/**
 * Read as root means read what root chose: no symbolic link (O_NOFOLLOW), no FIFO to hang
 * on (O_NONBLOCK), a regular file checked on the descriptor read from, owned by root, by
 * us or by the service user, and writable by no one else. 'missing' when it is not there.
 */
function readConfigFile(file: string, owners: ReadonlySet<number>): string | 'missing' {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    if (code === 'ELOOP') throw notConfigured(file, 'is a symbolic link');
    throw notConfigured(file, code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notConfigured(file, 'is not a regular file');
    if (!owners.has(stat.uid)) throw notConfigured(file, `is owned by uid ${stat.uid}, not by root or the service's user`);
    if (othersCanWrite(stat)) throw notConfigured(file, 'is writable by other users');
    if (stat.size > CONFIG_MAX_BYTES) throw notConfigured(file, `is larger than ${CONFIG_MAX_BYTES} bytes`);
    const buffer = Buffer.alloc(stat.size);
    const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Parse errors name the place, never quote the text: the file may hold secrets. */
function parse(file: string, text: string): Config {
  const parsed = file.endsWith('.json') ? parseJson(text) : parseYaml(text, loadYaml());
  if (!parsed.ok) {
    const { format, line, col, code } = parsed.error;
    throw notConfigured(file, `is not valid ${format}${line !== undefined ? ` (line ${line}, column ${col})` : ''}${code ? `: ${code}` : ''}`);
  }
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw notConfigured(file, 'must hold an object at the top level');
  return value as Config;
}

function isPlainObject(value: unknown): value is Config {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Later wins; objects merge key by key, anything else (arrays too) is replaced. */
function mergeConfigs(base: Config, over: Config): Config {
  const merged: Config = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeConfigs(merged[key] as Config, value) : value;
  }
  return merged;
}

export interface ConfigSources {
  name: string;
  option: ConfigOption;
  /** the program's arguments (after `--`), where `--config FILE` may be */
  args: readonly string[];
  /** the service's `user` option: its files count as the service's own */
  user?: string;
  /** the service's `group` option: with `user`, the identity the daemon reads its files as */
  group?: string;
}

function uidOf(user: string): number | undefined {
  if (/^\d+$/.test(user)) return Number(user);
  try {
    const { execFileSync } = loadPackage('node:child_process') as typeof import('node:child_process');
    return Number(execFileSync('id', ['-u', '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

/** The files in the order they apply: system-wide, per-user (not as root), `--config`. */
function configFiles(sources: ConfigSources): { system: string[]; user: string[]; given?: string } {
  const system = sources.option.files ?? EXTENSIONS.map((ext) => `/etc/${sources.name}/config.${ext}`);
  // Root's $HOME is not a place for a service's config, and as root $HOME comes from the caller.
  const user = process.geteuid?.() === 0 ? [] : EXTENSIONS.map((ext) => join(homedir(), `.${sources.name}`, `config.${ext}`));
  const given = configArgument(sources.args);
  return { system, user, ...(given !== undefined && { given }) };
}

/** Throws ServiceFailure('notConfigured') naming the file and the problem. */
export function loadConfig(sources: ConfigSources): { config: Config; files: string[] } {
  const owners = new Set([0, process.geteuid?.() ?? 0]);
  if (sources.user !== undefined) {
    const uid = uidOf(sources.user);
    if (uid !== undefined) owners.add(uid);
  }
  const { system, user, given } = configFiles(sources);
  const used: string[] = [];
  let config: Config = {};
  const firstOf = (candidates: string[]): void => {
    for (const file of candidates) {
      const text = readConfigFile(file, owners);
      if (text === 'missing') continue;
      config = mergeConfigs(config, parse(file, text));
      used.push(file);
      return;
    }
  };
  firstOf(system);
  firstOf(user);
  if (given !== undefined) {
    if (given === '' || !given.startsWith('/')) throw new ServiceFailure('notConfigured', `--config needs an absolute file path, got \`${given}\``);
    if (readConfigFile(given, owners) === 'missing') throw notConfigured(given, 'does not exist');
    firstOf([given]);
  }
  if (used.length === 0 && sources.option.required !== false) {
    throw new ServiceFailure('notConfigured', `no config file: none of ${[...system, ...user].join(', ')} exists`);
  }
  if (sources.option.schema) validate(sources.option.schema, config, used);
  if (sources.user !== undefined) assertServiceCanRead(used, sources);
  return { config, files: used };
}

/**
 * Run by a child node as root: drops to the identity as the daemon will (dropPrivileges'
 * order: group, the user's groups, user), then opens each file as the daemon will.
 * Prints [file, errno code] for the first it cannot open. Node has no access(2) for
 * another user, and a verdict computed from mode bits would miss ACLs and groups.
 */
const READ_AS = `const fs = require('node:fs');
const { uid, gid, name, primary, files } = JSON.parse(process.argv[1]);
process.setgid(gid);
process.initgroups(name, primary);
if (gid !== primary) process.setgroups([...new Set([...process.getgroups(), gid])]);
process.setuid(uid);
for (const file of files) {
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK));
  } catch (error) {
    process.stdout.write(JSON.stringify([file, error.code]));
    break;
  }
}`;

/**
 * The early answer for a daemon that drops to `user` (issue 14): root read the files
 * just now, but the daemon reads them again as the user, and one it cannot open is a
 * service that cannot start (LSB 6), not a config that is absent.
 */
function assertServiceCanRead(files: readonly string[], sources: ConfigSources): void {
  if (files.length === 0 || process.geteuid?.() !== 0) return;
  const identity = targetIdentity(sources.user, sources.group, sources.name);
  if (!needsSwitch(identity) || identity?.account === undefined) return;
  const { account, gid = account.gid } = identity;
  const { spawnSync } = requireBuiltin<typeof import('node:child_process')>('node:child_process');
  // env {}: nothing of the caller's (NODE_OPTIONS) reaches the child, which runs as root
  const probe = spawnSync(process.execPath, ['-e', READ_AS, JSON.stringify({ uid: account.uid, gid, name: account.name, primary: account.gid, files })], {
    env: {},
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (probe.status !== 0) {
    throw new ServiceFailure('genericError', `cannot check that user ${account.name} can read ${files.join(', ')}: ${probe.stderr.trim().split('\n').pop() || `exit ${probe.status}`}`);
  }
  if (probe.stdout === '') return;
  const [file, code] = JSON.parse(probe.stdout) as [string, string];
  throw notConfigured(file, `user ${account.name} cannot read it (${code === 'EACCES' ? 'permission denied' : code})`);
}

function validate(schema: object, config: Config, files: string[]): void {
  const AjvModule = loadAjv(process.argv[1] ?? '/');
  const ajv = new AjvModule.default({ allErrors: false, strict: false });
  let check: ReturnType<typeof ajv.compile>;
  try {
    check = ajv.compile(schema);
  } catch (error) {
    throw new ServiceFailure('notConfigured', `the program's config schema is invalid: ${(error as Error).message}`);
  }
  if (check(config)) return;
  const error = check.errors?.[0];
  const where = error?.instancePath ? error.instancePath : '(top level)';
  throw new ServiceFailure('notConfigured', `config ${files.join(' + ') || '{}'}: ${where} ${error?.message ?? 'is invalid'}`);
}

/**
 * The options with run() given ctx.config and reload() given (config, oldConfig). The
 * files are read where run() and reload() run: in the service's own process, after it
 * dropped to its user. A reload whose config is invalid throws before the program's
 * handler is called: the daemon logs it and keeps the config it has.
 */
export function withConfig(options: ResolvedOptions, option: ConfigOption): ResolvedOptions {
  let current: Config | undefined;
  let args: readonly string[] = [];
  const sources = (): ConfigSources => ({ name: options.name, option, args });
  const userRun = options.run;
  const userReload = options.reload as ((config: Config, oldConfig: Config) => unknown) | undefined;
  return {
    ...options,
    run(context: RunContext) {
      args = context.args;
      // a ServiceFailure here (a file the user cannot read) is the daemon's LSB 6: run.ts reports it
      current = loadConfig(sources()).config;
      return userRun({ ...context, config: current });
    },
    ...(userReload && {
      reload() {
        const next = loadConfig(sources()).config;
        const old = current ?? {};
        current = next;
        return userReload(next, old);
      },
    }),
  };
}
