// What install wrote, kept at ROOT/var/lib/initgen/NAME/TARGET.json, so that uninstall
// removes exactly that and a reinstall knows which files it may replace.
//
// A record under --root DIR belongs to whoever owns DIR, so it is input like any other
// (docs/contract.md §5): every field is checked before it is used, a recorded file must
// be one the recorded target renders for the recorded name, and every path is used
// confined to the root (src/render/write.ts), so a record cannot make root remove or
// read anything outside it, nor put a hostile name into `/etc/init.d/NAME stop`.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { SERVICE_NAME_PATTERN } from '../config/schema.js';
import { isTargetName, loadTarget, type TargetName } from '../targets/registry.js';
import { MARKER } from '../render/marker.js';
import { closeDir, openDirIn, readFileIn, writeFileAtomic } from '../render/write.js';
import { inRoot } from './rootfs.js';

export interface Manifest {
  name: string;
  target: TargetName;
  /** what the service manager calls it (Target.unit), so that uninstall needs no config */
  unit?: string;
  /** as seen inside the root */
  scanDir?: string;
  files: { path: string; mode: number; sha256: string }[];
  /** directories install created, deepest last */
  dirs: string[];
  enabled: boolean;
}

export const sha256 = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

const manifestDir = (root: string, name: string): string => inRoot(root, `/var/lib/initgen/${name}`);
export const manifestPath = (root: string, name: string, target: string): string => `${manifestDir(root, name)}/${target}.json`;

/** A record that cannot be trusted: nothing is done (exit 2). */
export class ManifestError extends Error {}

const NAME = new RegExp(SERVICE_NAME_PATTERN);
const isServiceName = (name: string): boolean => NAME.test(name);

/** A relative path with no empty, `.` or `..` step. */
const plainRelative = (p: unknown): p is string =>
  typeof p === 'string' && p !== '' && !p.startsWith('/') && !p.includes('\0') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');

const plainAbsolute = (p: unknown): p is string => typeof p === 'string' && (p === '/' || (p.startsWith('/') && plainRelative(p.slice(1))));

/** A unit name a tool can take as one argument: a systemd unit, an SMF FMRI, a launchd label. */
const UNIT = /^[A-Za-z0-9][A-Za-z0-9_.,:@/-]*$/;

/**
 * Every problem with a parsed record found at var/lib/initgen/NAME/TARGET.json; OWN:
 * the install paths the target renders for NAME (Target.installPaths).
 */
function manifestProblems(m: unknown, name: string, target: string, own: RegExp | undefined): string[] {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return ['not an object'];
  const r = m as Record<string, unknown>;
  const problems: string[] = [];
  if (r.name !== name || !isServiceName(name)) problems.push(`\`name\` is ${JSON.stringify(r.name)}, not the service name ${JSON.stringify(name)} of its directory`);
  if (r.target !== target || !isTargetName(target)) problems.push(`\`target\` is ${JSON.stringify(r.target)}, not the target ${JSON.stringify(target)} of its file name`);
  if (typeof r.enabled !== 'boolean') problems.push('`enabled` is not true or false');
  if (r.unit !== undefined && (typeof r.unit !== 'string' || !UNIT.test(r.unit))) problems.push(`\`unit\` ${JSON.stringify(r.unit)} is not a service manager's name`);
  if (r.scanDir !== undefined && !plainAbsolute(r.scanDir)) problems.push(`\`scanDir\` ${JSON.stringify(r.scanDir)} is not a plain absolute path`);
  const files = Array.isArray(r.files) ? r.files : undefined;
  if (files === undefined) problems.push('`files` is not a list');
  for (const f of files ?? []) {
    const e = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const shown = JSON.stringify(e.path);
    if (!plainRelative(e.path)) problems.push(`file ${shown} is not a plain relative path`);
    else if (problems.length === 0 && !own?.test(e.path)) problems.push(`file ${shown} is not a file ${target} installs for ${name}`);
    if (!Number.isInteger(e.mode) || (e.mode as number) < 0 || (e.mode as number) > 0o7777) problems.push(`file ${shown}: \`mode\` is not a file mode`);
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) problems.push(`file ${shown}: \`sha256\` is not a SHA-256 digest`);
  }
  const dirs = Array.isArray(r.dirs) ? r.dirs : undefined;
  if (dirs === undefined) problems.push('`dirs` is not a list');
  const paths = (files ?? []).map((f) => `/${(f as { path?: unknown }).path}`);
  for (const d of dirs ?? []) {
    // install records only directories it created on the way to its files
    if (!plainAbsolute(d) || d === '/' || !paths.some((p) => p.startsWith(`${d}/`))) problems.push(`directory ${JSON.stringify(d)} is not one on the way to a recorded file`);
  }
  return problems;
}

export async function readManifest(root: string, name: string, target: string): Promise<Manifest | undefined> {
  const path = manifestPath(root, name, target);
  if (!isServiceName(name)) throw new ManifestError(`refusing to use the service name \`${name}\` (letters, digits, _ . @ -)`);
  const found = readFileIn(root, path);
  if (found.kind === 'missing') return undefined;
  if (found.kind === 'other') throw new ManifestError(`${path}: not a regular file`);
  let data: unknown;
  try {
    data = JSON.parse(found.content.toString('utf8'));
  } catch (err) {
    throw new ManifestError(`${path}: invalid JSON: ${(err as Error).message}`);
  }
  const own = isTargetName(target) && isServiceName(name) ? (await loadTarget(target)).installPaths(name) : undefined;
  const problems = manifestProblems(data, name, target, own);
  if (problems.length > 0) throw new ManifestError(`${path}: not a record initgen wrote: ${problems.join('; ')}`);
  return data as Manifest;
}

/** Every target installed for NAME. */
export async function installedTargets(root: string, name: string): Promise<string[]> {
  if (!isServiceName(name)) throw new ManifestError(`refusing to use the service name \`${name}\` (letters, digits, _ . @ -)`);
  const dir = openDirIn(root, `/var/lib/initgen/${name}`);
  if (dir === undefined) return [];
  let entries: string[];
  try {
    entries = readdirSync(dir.at);
  } finally {
    closeDir(dir);
  }
  return entries.filter((e) => e.endsWith('.json')).map((e) => e.slice(0, -5)).sort();
}

export async function writeManifest(root: string, m: Manifest): Promise<void> {
  await writeFileAtomic(manifestPath(root, m.name, m.target), `${JSON.stringify(m, null, 2)}\n`, 0o644, root);
}

/** The content of the regular file at PATH inside ROOT; a link or anything else there is not content. */
function contentAt(root: string, path: string): Buffer | undefined | 'other' {
  const found = readFileIn(root, path);
  return found.kind === 'file' ? found.content : found.kind === 'missing' ? undefined : 'other';
}

/** May install replace PATH? Yes when absent, when it carries the marker, or when a manifest lists it. */
export async function replaceable(root: string, path: string, listed: boolean): Promise<boolean> {
  const content = contentAt(root, path);
  if (content === 'other') return false;
  return content === undefined || listed || content.includes(MARKER);
}

/** May uninstall remove PATH? Yes when it carries the marker or is still what install wrote; undefined when absent. */
export async function removable(root: string, path: string, sha: string | undefined): Promise<boolean | undefined> {
  const content = contentAt(root, path);
  if (content === undefined) return undefined;
  if (content === 'other') return false;
  return content.includes(MARKER) || sha === sha256(content);
}
