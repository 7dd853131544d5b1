// Find and read a config file: JSON, YAML, or the `initgen` key of package.json.
// Every failure is a ConfigError: one line per problem, naming the file.
import { constants } from 'node:fs';
import { lstat, open, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseJson, parseYaml } from './parse-text.js';

/** A config the user must fix (the CLI exits 2 with one line per problem). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

interface LoadedConfig {
  /** the file it came from, as given or as found */
  file: string;
  /** parsed but not yet validated */
  data: unknown;
}

/** Looked for in this order when no --config is given. */
const CONFIG_FILES = ['initgen.json', 'initgen.yaml', 'initgen.yml', 'package.json'] as const;

export async function loadConfig(file: string | undefined, cwd: string = process.cwd()): Promise<LoadedConfig> {
  if (file !== undefined) {
    const text = await readText(resolve(cwd, file), file);
    if (text === undefined) throw new ConfigError([`${file}: no such file`]);
    const data = await parse(file, text);
    return { file, data: isPackageJson(file) ? packageKey(file, data) : data };
  }
  // As root, a config nobody named is trusted only if nobody but root could have put it
  // there (docs/contract.md §5): root running `initgen install` in a directory others
  // can write would otherwise install their service.
  const asRoot = process.geteuid?.() === 0;
  if (asRoot) await trustedDirectory(cwd);
  for (const name of CONFIG_FILES) {
    const text = asRoot ? await readTrusted(join(cwd, name), name) : await readText(join(cwd, name), name);
    if (text === undefined) continue;
    const data = await parse(name, text);
    if (name !== 'package.json') return { file: name, data };
    if (isObject(data) && 'initgen' in data) return { file: name, data: data.initgen };
  }
  throw new ConfigError([
    `no config found: pass --config FILE, or create ${CONFIG_FILES.slice(0, 3).join(', ')} or an "initgen" key in package.json`,
  ]);
}

async function readText(path: string, shown: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError([`${shown}: cannot read: ${code ?? (err as Error).message}`]);
  }
}

const PASS_CONFIG = 'as root, a config found in the current directory must be owned by root and writable by no one else; pass --config FILE to use it anyway';

/** Why others could change what is in DIR: it, or a directory above it, is theirs or writable by them. */
async function trustedDirectory(dir: string): Promise<void> {
  for (let d = resolve(dir), first = true; ; d = dirname(d), first = false) {
    const st = await lstat(d);
    // a sticky directory (/tmp) lets others add entries but not rename or remove root's
    const others = (st.mode & 0o022) !== 0 && (first || (st.mode & 0o1000) === 0);
    if (st.uid !== 0 || others) {
      const who = st.uid !== 0 ? `owned by uid ${st.uid}` : `mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}`;
      throw new ConfigError([`${d}: refusing to look for a config here: ${who}; ${PASS_CONFIG}`]);
    }
    if (d === dirname(d)) return;
  }
}

/** Read NAME without following a link, checked on the descriptor it is read from; undefined when absent. */
async function readTrusted(path: string, shown: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') throw new ConfigError([`${shown}: refusing a symbolic link; ${PASS_CONFIG}`]);
    throw new ConfigError([`${shown}: cannot read: ${code ?? (err as Error).message}`]);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ConfigError([`${shown}: not a regular file`]);
    if (st.uid !== 0) throw new ConfigError([`${shown}: refusing it: owned by uid ${st.uid}; ${PASS_CONFIG}`]);
    if ((st.mode & 0o022) !== 0) throw new ConfigError([`${shown}: refusing it: mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}; ${PASS_CONFIG}`]);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function isPackageJson(file: string): boolean {
  return basename(file) === 'package.json';
}

function packageKey(file: string, data: unknown): unknown {
  if (isObject(data) && 'initgen' in data) return data.initgen;
  throw new ConfigError([`${file}: no "initgen" key`]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** FILE:LINE:COL: invalid JSON|YAML: the parser's words (initgen's user wrote the file). */
async function parse(file: string, text: string): Promise<unknown> {
  const parsed = /\.ya?ml$/i.test(file) ? parseYaml(text, await import('yaml')) : parseJson(text);
  if (parsed.ok) return parsed.value;
  const { format, line, col, message } = parsed.error;
  throw new ConfigError([`${file}${line !== undefined ? `:${line}:${col}` : ''}: invalid ${format}: ${message}`]);
}
