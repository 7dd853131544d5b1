// Check a parsed config against the published schema and say, one line per
// problem, which field is wrong and why ("Invalid `nice`: expected ...").
import type { ErrorObject } from 'ajv';
import { ConfigError } from './load.js';
import { configSchema } from './schema.js';
import { ACCOUNT, ENV_NAME, FMRI_PREFIX, LAUNCHD_LABEL, SERVICE_NAME, UMASK } from '../patterns.js';
import type { InitgenConfig } from './types.js';
import { nonXmlChar } from '../render/xml.js';

/** What each schema pattern means, in words. */
const PATTERN_WORDS: Record<string, string> = {
  '^/': 'an absolute path',
  [SERVICE_NAME.source]: 'a service name (letters, digits, _ . @ -)',
  [ACCOUNT.source]: 'a name without spaces or colons',
  [UMASK.source]: 'an octal umask such as "022"',
  [ENV_NAME.source]: 'an environment variable name (letters, digits, _; not starting with a digit)',
  [LAUNCHD_LABEL.source]: 'a launchd label (letters, digits, _ . -)',
  [FMRI_PREFIX.source]: 'an FMRI prefix (lowercase letters, digits, _ / -)',
};

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
type AjvClass = new (options: object) => { compile(schema: object): Validator };
let compiled: Validator | undefined;

/** The build's standalone validator must be compiled exactly as the fallback below. */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false } as const;

/** What a standalone validator was built from: one built from another schema is not used. */
export function schemaKey(): string {
  return JSON.stringify([AJV_OPTIONS, configSchema]);
}

export async function loadAjv(): Promise<AjvClass> {
  const mod = await import('ajv');
  // ajv is CommonJS: its class is module.exports and also module.exports.default
  const exported = mod.default as unknown as AjvClass & { default?: AjvClass };
  return exported.default ?? exported;
}

async function validator(): Promise<Validator> {
  compiled ??= (await prebuilt()) ?? new (await loadAjv())(AJV_OPTIONS).compile(configSchema);
  return compiled;
}

/** `npm run build` writes it (build-validator.ts); a bare tsc build has none: ajv compiles then. */
async function prebuilt(): Promise<Validator | undefined> {
  try {
    const mod = await import('./schema-validator.js');
    return mod.key === schemaKey() ? mod.validate : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes('schema-validator.js')) return undefined;
    throw error;
  }
}

/** Every problem in `data`, one line each; empty when the config is valid. */
export async function configProblems(data: unknown): Promise<string[]> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return [`Invalid config: expected an object of fields, got ${shown(data)} (${kind(data)})`];
  }
  const validate = await validator();
  const problems = validate(data) ? [] : (validate.errors ?? []).map(describe);
  problems.push(...nulProblems(data, ''));
  return [...new Set(problems.filter((p): p is string => p !== undefined))];
}

/** The config, typed, or a ConfigError naming `file` on every line. */
export async function validateConfig(data: unknown, file: string): Promise<InitgenConfig> {
  const problems = await configProblems(data);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${file}: ${p}`));
  return data as InitgenConfig;
}

function describe(e: ErrorObject): string | undefined {
  const field = fieldPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `Unknown field \`${join(field, String(p.additionalProperty))}\`${suggest(e, String(p.additionalProperty))}`;
    case 'required':
      return `Missing field \`${join(field, String(p.missingProperty))}\``;
    case 'propertyNames':
      return undefined; // reported by the inner keyword, which carries the name
    case 'type':
      return `${invalid(field, `${article(String(p.type))}${umaskHint(field, e.data)}`, e.data)} (${kind(e.data)})`;
    case 'pattern':
    case 'minLength': {
      const pattern = (e.parentSchema as { pattern?: string }).pattern;
      const words = e.data === '/' ? 'a file path, not `/`' : (pattern !== undefined && PATTERN_WORDS[pattern]) || 'a non-empty string';
      if (e.propertyName !== undefined) return `Invalid name \`${e.propertyName}\` in \`${field}\`: expected ${words}`;
      return invalid(field, words, e.data);
    }
    case 'minimum':
    case 'maximum': {
      const s = e.parentSchema as { type?: string; minimum?: number; maximum?: number };
      const range = s.maximum === undefined ? `of at least ${s.minimum}` : `from ${s.minimum} to ${s.maximum}`;
      return invalid(field, `${s.type === 'number' ? 'a number' : 'an integer'} ${range}`, e.data);
    }
    case 'enum':
      return invalid(field, `one of ${(p.allowedValues as unknown[]).map((v) => `\`${v}\``).join(', ')}`, e.data);
    case 'uniqueItems':
      return `Invalid \`${field}\`: ${shown((e.data as unknown[])[Number(p.j)])} appears twice`;
    default:
      return `Invalid \`${field}\`: ${e.message ?? 'not allowed'}`;
  }
}

function invalid(field: string, expected: string, data: unknown): string {
  return `Invalid \`${field || 'config'}\`: expected ${expected}, got ${shown(data)}`;
}

function article(type: string): string {
  return type === 'integer' || type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`;
}

function umaskHint(field: string, data: unknown): string {
  return field === 'umask' && typeof data === 'number' ? ' (quote it: "022")' : '';
}

/** "/env/FOO" → "env.FOO", "/args/2" → "args[2]" */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : join(path, seg)), '');
}

function join(path: string, key: string): string {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  return path === '' ? k : `${path}.${k}`;
}

/** "Unknown field `pidFile`; did you mean `pidfile`?" */
function suggest(e: ErrorObject, key: string): string {
  const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
  const match = known.find((k) => k.toLowerCase() === key.toLowerCase().replace(/[-_]/g, ''));
  return match ? `; did you mean \`${match}\`?` : '';
}

/** A value as the user wrote it: plain when printable, JSON-quoted otherwise. */
function shown(value: unknown): string {
  let text = typeof value === 'string' && !/[\x00-\x1f`]/.test(value) ? value : JSON.stringify(value) ?? String(value);
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return `\`${text}\``;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

// A NUL cannot pass through argv, the environment or most file formats.

function nulProblems(value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    if (value.includes('\0')) return [`Invalid \`${path}\`: contains a NUL byte, which cannot pass through argv or the environment`];
    // One config renders every target, and the SMF and launchd ones are XML 1.0
    const bad = nonXmlChar(value);
    if (bad !== undefined) return [`Invalid \`${path}\`: contains ${bad}, which XML 1.0 (SMF, launchd) cannot carry`];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => nulProblems(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) =>
      k.includes('\0') ? [`Invalid name in \`${path || 'config'}\`: contains a NUL byte`] : nulProblems(v, join(path, k)),
    );
  }
  return [];
}
