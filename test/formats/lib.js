// What every format check shares: a report of ok / FAIL / warning lines, finding
// the tools that read each format, running them, scratch directories, and the
// POSIX sh battery (dash, busybox sh, shellcheck) that several formats need.
//
// A check never decides that a missing tool means "fine": it records the tool as
// missing (status 3, the reason names the tool and the Debian package), and the
// test turns that into a skip, or into a failure in strict mode (test/reporter.js).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FORMATS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const INSTALL_HINT = 'bash test/tools/install-deps.sh';
/** The PATH that init, service(8) and the supervisors give a job. */
export const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Debian package of each tool, for the reason a missing one gives. */
export const PACKAGE_OF = {
  dash: 'dash', busybox: 'busybox', shellcheck: 'shellcheck', checkbashisms: 'devscripts', insserv: 'insserv',
  'systemd-analyze': 'systemd', 'systemd-sysv-generator': 'systemd', xmllint: 'libxml2-utils', plistutil: 'libplist-utils',
  python3: 'python3', runsv: 'runit', sv: 'runit', svlogd: 'runit', chpst: 'runit', svscan: 'daemontools',
  supervise: 'daemontools', svc: 'daemontools', svstat: 'daemontools', svok: 'daemontools', multilog: 'daemontools',
  setuidgid: 'daemontools', envdir: 'daemontools', softlimit: 'daemontools', 'openrc-run': 'openrc', logrotate: 'logrotate', unshare: 'util-linux', prlimit: 'util-linux', ps: 'procps',
  nagios4: 'nagios4-core', icinga2: 'icinga2-bin', 'prometheus-node-exporter': 'prometheus-node-exporter',
};

// Tools in sbin directories are found even when the caller's PATH lacks them
// (a non-root PATH on Debian has no /usr/sbin).
const SEARCH = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];
const GENERATOR_DIRS = ['/lib/systemd/system-generators', '/usr/lib/systemd/system-generators'];

/** Absolute path of an executable tool, or undefined. */
export function which(tool) {
  const dirs = tool === 'systemd-sysv-generator' ? GENERATOR_DIRS : SEARCH;
  for (const dir of dirs) {
    const path = join(dir, tool);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return undefined;
}

/** The reason a missing tool gives, naming its package and the install command. */
export function missingReason(tools) {
  const named = tools.map((t) => `${t} (Debian package ${PACKAGE_OF[t] ?? t})`).join(', ');
  return `needs ${named}: ${INSTALL_HINT}`;
}

export const isRoot = process.getuid?.() === 0;

/**
 * One check's outcome. status: 0 every check passed, 1 a check failed, 3 it could
 * not check (a tool or root missing; `cannot` says which and how to get it).
 */
export class Report {
  constructor(subject) {
    this.subject = subject;
    this.lines = [];
    this.failures = [];
    this.warnings = [];
    this.cannot = undefined;
  }

  ok(message) {
    this.lines.push(`${this.subject}: ok: ${message}`);
  }

  fail(message, detail = '') {
    this.failures.push(message);
    this.lines.push(`${this.subject}: FAIL: ${message}`);
    if (detail.trim()) this.lines.push(indent(detail));
  }

  warn(message) {
    this.warnings.push(message);
    this.lines.push(`${this.subject}: warning: ${message}`);
  }

  /** Record that the check cannot run here; returns false so callers can `return r.unable(...)`. */
  unable(reason) {
    this.cannot ??= reason;
    this.lines.push(`${this.subject}: cannot check: ${reason}`);
    return false;
  }

  /** True when every tool is there; otherwise records them as missing. */
  need(...tools) {
    const missing = tools.filter((t) => !which(t));
    return missing.length === 0 || this.unable(missingReason(missing));
  }

  needRoot(what) {
    return isRoot || this.unable(`needs root: ${what}`);
  }

  get status() {
    if (this.failures.length > 0) return 1;
    return this.cannot ? 3 : 0;
  }

  get output() {
    return `${this.lines.join('\n')}\n`;
  }
}

/** Merge several reports (one per file of a multi-file subject) into one. */
export function merge(subject, reports) {
  const all = new Report(subject);
  for (const r of reports) {
    all.lines.push(...r.lines);
    all.failures.push(...r.failures);
    all.warnings.push(...r.warnings);
    all.cannot ??= r.cannot;
  }
  return all;
}

export function indent(text) {
  return text.replace(/\n+$/, '').split('\n').map((l) => `    ${l}`).join('\n');
}

/** Run a tool; `out` is stdout and stderr together. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(which(cmd) ?? cmd, args, { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

/** A private scratch directory and its removal. */
export function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `initgen-format-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The POSIX sh battery: dash -n, busybox sh -n, shellcheck -s sh at every severity.
 * SC1091 ("not following" a sourced file such as /lib/lsb/init-functions) says
 * nothing about the file itself, so it is always off.
 */
export function shChecks(r, file, label, exclude = []) {
  if (!r.need('dash', 'busybox', 'shellcheck')) return;
  const dash = run('dash', ['-n', file]);
  if (dash.status === 0) r.ok(`${label}: dash -n`);
  else r.fail(`${label}: dash -n rejects the syntax`, dash.out);
  const bb = run('busybox', ['sh', '-n', file]);
  if (bb.status === 0) r.ok(`${label}: busybox sh -n`);
  else r.fail(`${label}: busybox sh -n rejects the syntax`, bb.out);
  const sc = run('shellcheck', ['-s', 'sh', '-S', 'style', '-f', 'gcc', '-e', ['SC1091', ...exclude].join(','), file]);
  if (sc.status === 0) r.ok(`${label}: shellcheck -s sh`);
  else r.fail(`${label}: shellcheck -s sh reports`, sc.out);
}

/** An XML file as a JSON tree { tag, attrs, text, children }, read by python3's expat-based ElementTree. */
export function xmlTree(r, file) {
  if (!r.need('python3')) return undefined;
  const py = `
import json, sys, xml.etree.ElementTree as ET
def node(e):
    return {'tag': e.tag, 'attrs': dict(e.attrib), 'text': e.text or '', 'children': [node(c) for c in e]}
sys.stdout.write(json.dumps(node(ET.parse(sys.argv[1]).getroot())))
`;
  const p = run('python3', ['-c', py, file]);
  if (p.status !== 0) {
    r.fail('python3 ElementTree cannot parse the XML', p.out);
    return undefined;
  }
  return JSON.parse(p.stdout);
}

/** Children of a tree node with a given tag. */
export function kids(node, tag) {
  return node.children.filter((c) => c.tag === tag);
}

/** Every descendant (and the node itself) with a given tag. */
export function descendants(node, tag, out = []) {
  if (node.tag === tag) out.push(node);
  for (const c of node.children) descendants(c, tag, out);
  return out;
}

/** xmllint --dtdvalid against a DTD in test/formats/dtd, with a catalog so nothing is fetched. */
export function dtdValid(r, file, dtdName, ids) {
  if (!r.need('xmllint')) return;
  const dtd = join(FORMATS_DIR, 'dtd', dtdName);
  const work = scratch('catalog');
  try {
    const entries = ids.map(([kind, id]) => `  <${kind} ${kind === 'public' ? 'publicId' : 'systemId'}="${id}" uri="file://${dtd}"/>`).join('\n');
    const catalog = join(work.dir, 'catalog.xml');
    writeFileSync(catalog, `<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n${entries}\n</catalog>\n`);
    const x = run('xmllint', ['--noout', '--nonet', '--dtdvalid', dtd, file], { env: { ...process.env, XML_CATALOG_FILES: catalog } });
    if (x.status === 0 && x.out.trim() === '') r.ok(`xmllint: valid against ${dtdName}`);
    else r.fail(`xmllint: not valid against ${dtdName}`, x.out);
  } finally {
    work.remove();
  }
}

/** Pids of a process and all its descendants, from /proc. */
export function processTree(root) {
  const children = new Map();
  for (const line of run('ps', ['-eo', 'pid=,ppid=']).stdout.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid) continue;
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** Alive (not zombie) pids whose working directory is dir (or below it, with below). */
export function pidsIn(dir, { below = false } = {}) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if (cwd !== dir && !(below && cwd.startsWith(`${dir}/`))) continue;
      if (alive(Number(entry))) found.push(Number(entry));
    } catch {}
  }
  return found;
}

export function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll until check() is truthy or the time is up; returns the last value. */
export async function poll(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let pause = 20;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await sleep(pause);
    pause = Math.min(pause * 2, 200);
  }
}

/** SIGTERM then SIGKILL every given pid that still runs. */
export async function killAll(pids) {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {}
  }
  await poll(() => pids.every((p) => !alive(p)), 2000);
  for (const p of pids) {
    try {
      if (alive(p)) process.kill(p, 'SIGKILL');
    } catch {}
  }
}

/** This process's hard limit on open files. */
export function hardNofile() {
  const m = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m && m[1] !== 'unlimited' ? Number(m[1]) : Infinity;
}

/**
 * A command prefix that runs a tool with its nofile limits raised to n (prlimit),
 * [] when this process's hard limit already allows n, or a reason why it cannot be
 * raised here: that needs root with CAP_SYS_RESOURCE, which some containers drop.
 */
export function nofilePrefix(n) {
  if (n <= hardNofile()) return { prefix: [] };
  const why = `needs CAP_SYS_RESOURCE (root outside a container that drops it) to raise the hard nofile limit from ${hardNofile()} to ${n}`;
  if (!which('prlimit')) return { reason: missingReason(['prlimit']) };
  const probe = run('prlimit', [`--nofile=${n}:${n}`, '--', 'true']);
  return probe.status === 0 ? { prefix: [which('prlimit'), `--nofile=${n}:${n}`, '--'] } : { reason: why };
}

/**
 * systemd-analyze makes its working directory in /tmp itself (it ignores TMPDIR):
 * where /tmp is not writable for this user, it cannot run.
 */
export function tmpUnwritable() {
  try {
    accessSync('/tmp', constants.W_OK);
    return false;
  } catch {
    return 'needs a writable /tmp: systemd-analyze makes its working directory there, whatever TMPDIR says (chmod 1777 /tmp)';
  }
}
