// Upstart job files (init(5) of upstart 1.13). Upstart is not packaged for
// Debian, so the grammar is checked here from init(5): the stanza list and each
// stanza's arguments, tokenised as libnih does (quotes and a backslash carry a
// stanza across lines; '#' starts a comment). The shell upstart runs (/bin/sh -e)
// is real: every script block and exec line goes through dash -n, busybox sh -n
// and shellcheck, padded so that line numbers match the job file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Report, scratch, shChecks } from './lib.js';

export const description = 'Upstart job (init(5))';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['dash', 'busybox', 'shellcheck'];
export const runTools = [];
export const usage = 'FILE';
export const picks = (path) => path.endsWith('.conf');

const PROCESSES = ['pre-start', 'post-start', 'pre-stop', 'post-stop'];
const SIGNAL = /^(SIG)?[A-Z]+[0-9]*$|^\d+$/;
const RESOURCES = ['as', 'core', 'cpu', 'data', 'fsize', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'sigpending', 'stack'];
const LIMIT_VALUE = /^(\d+|unlimited)$/;

/**
 * Split a job into stanzas: { line, words, rest } with words dequoted, and script
 * blocks as { line, words, block: { first, lines } }.
 */
export function stanzas(text, r) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const words = [];
    let word = null;
    let quote = null;
    let raw = '';
    for (;;) {
      const line = lines[i] ?? '';
      let ended = false;
      for (let j = 0; j < line.length; j++) {
        const c = line[j];
        if (quote) {
          if (c === '\\' && j + 1 < line.length) word += line[++j];
          else if (c === quote) quote = null;
          else word += c;
          continue;
        }
        if (c === '#') {
          ended = true;
          break;
        }
        if (c === '\\' && j === line.length - 1) break; // continuation
        if (c === ' ' || c === '\t' || c === '\r') {
          if (word !== null) words.push(word);
          word = null;
          continue;
        }
        if (c === '"' || c === "'") {
          quote = c;
          word ??= '';
          continue;
        }
        if (c === '\\' && j + 1 < line.length) {
          word = (word ?? '') + line[++j];
          continue;
        }
        word = (word ?? '') + c;
      }
      raw += `${line}\n`;
      const continued = !ended && (quote !== null || /(^|[^\\])(\\\\)*\\$/.test(line));
      if (!continued) break;
      if (quote !== null) word += '\n';
      if (++i >= lines.length) {
        r.fail(`line ${start + 1}: unterminated quote or continuation at the end of the file`);
        break;
      }
    }
    if (word !== null) words.push(word);
    if (words.length === 0) continue;
    const stanza = { line: start + 1, words, raw };
    const isBlock = words[words.length - 1] === 'script' && (words.length === 1 || (words.length === 2 && PROCESSES.includes(words[0])));
    if (isBlock) {
      const first = i + 1;
      let end = first;
      while (end < lines.length && !/^[ \t\r]*end[ \t\r]+script[ \t\r]*(#.*)?$/.test(lines[end])) end++;
      if (end >= lines.length) {
        r.fail(`line ${start + 1}: "${words.join(' ')}" has no "end script"`);
        i = lines.length;
      } else i = end;
      stanza.block = { first: first + 1, lines: lines.slice(first, end) };
    }
    out.push(stanza);
  }
  return out;
}

const count = (n) => (args) => args.length === n || `takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`;
const atLeast = (n) => (args) => args.length >= n || `takes at least ${n} argument${n === 1 ? '' : 's'}`;
const oneOf = (...values) => (args) => (args.length === 1 && values.includes(args[0])) || `takes one of ${values.join(', ')}`;

/** Balanced parentheses and operators in a start on / stop on expression. */
function eventExpr(args) {
  if (args.length === 0) return 'takes an event expression';
  let depth = 0;
  let wantOperand = true;
  for (const raw of args) {
    let w = raw;
    while (w.startsWith('(')) {
      if (!wantOperand) return `"(" where an operator belongs`;
      depth++;
      w = w.slice(1);
    }
    let closes = 0;
    while (w.endsWith(')')) {
      closes++;
      w = w.slice(0, -1);
    }
    if (w === '') {
      if (closes && wantOperand) return '")" where an event belongs';
    } else if (w === 'and' || w === 'or') {
      if (wantOperand) return `"${w}" where an event belongs`;
      wantOperand = true;
    } else wantOperand = false; // an event name or one of its KEY=VALUE / value arguments
    depth -= closes;
    if (depth < 0) return 'unbalanced ")"';
  }
  if (depth !== 0) return 'unbalanced "("';
  if (wantOperand) return 'ends with an operator';
  return true;
}

const RULES = {
  instance: atLeast(1),
  description: count(1),
  author: count(1),
  version: count(1),
  usage: count(1),
  emits: atLeast(1),
  manual: count(0),
  task: count(0),
  start: (a) => (a[0] === 'on' ? eventExpr(a.slice(1)) : 'is "start on EVENTS"'),
  stop: (a) => (a[0] === 'on' ? eventExpr(a.slice(1)) : 'is "stop on EVENTS"'),
  expect: oneOf('stop', 'daemon', 'fork', 'none'),
  respawn: (a) => a.length === 0 || (a[0] === 'limit' && ((a.length === 2 && a[1] === 'unlimited') || (a.length === 3 && /^\d+$/.test(a[1]) && /^\d+$/.test(a[2])))) || 'is "respawn" or "respawn limit COUNT INTERVAL|unlimited"',
  normal: (a) => (a[0] === 'exit' && a.length > 1 && a.slice(1).every((x) => /^\d+$/.test(x) || SIGNAL.test(x))) || 'is "normal exit STATUS|SIGNAL..."',
  console: oneOf('log', 'output', 'owner', 'none'),
  umask: (a) => (a.length === 1 && /^[0-7]{1,4}$/.test(a[0])) || 'takes an octal mask',
  nice: (a) => (a.length === 1 && /^-?\d+$/.test(a[0]) && +a[0] >= -20 && +a[0] <= 19) || 'takes a value from -20 to 19',
  oom: (a) => (a.length === 1 && (a[0] === 'never' || /^-?\d+$/.test(a[0]))) || (a.length === 2 && a[0] === 'score' && (a[1] === 'never' || (/^-?\d+$/.test(a[1]) && +a[1] >= -1000 && +a[1] <= 1000))) || 'is "oom score N|never"',
  limit: (a) => (a.length === 3 && RESOURCES.includes(a[0]) && LIMIT_VALUE.test(a[1]) && LIMIT_VALUE.test(a[2])) || `is "limit RESOURCE SOFT HARD" with RESOURCE one of ${RESOURCES.join(' ')}`,
  chroot: count(1),
  chdir: count(1),
  setuid: count(1),
  setgid: count(1),
  env: (a) => (a.length === 1 && /^[^=\s]+(=|$)/.test(a[0])) || 'takes one KEY[=VALUE] (quote a value with blanks)',
  export: atLeast(1),
  kill: (a) => (a.length === 2 && ((a[0] === 'timeout' && /^\d+$/.test(a[1])) || (a[0] === 'signal' && SIGNAL.test(a[1])))) || 'is "kill timeout SECONDS" or "kill signal SIGNAL"',
  reload: (a) => (a.length === 2 && a[0] === 'signal' && SIGNAL.test(a[1])) || 'is "reload signal SIGNAL"',
  apparmor: (a) => (a.length === 2 && (a[0] === 'load' || a[0] === 'switch')) || 'is "apparmor load PROFILE" or "apparmor switch NAME"',
  cgroup: (a) => (a.length >= 1 && a.length <= 4) || 'is "cgroup CONTROLLER [NAME [KEY VALUE]]"',
  exec: atLeast(1),
  script: count(0),
};
for (const p of PROCESSES) RULES[p] = (a) => (a.length === 1 && a[0] === 'script') || a[0] === 'exec' && a.length > 1 || `is "${p} exec COMMAND" or "${p} script"`;

export async function check(file) {
  const r = new Report(file);
  if (!existsSync(file)) return r.fail('no such file'), r;
  if (!r.need(...tools)) return r;
  if (!file.endsWith('.conf')) r.warn('upstart loads only job files named NAME.conf');
  const text = readFileSync(file, 'utf8');
  const list = stanzas(text, r);
  const before = r.failures.length;
  const seen = new Map();
  for (const s of list) {
    const [name, ...args] = s.words;
    const rule = RULES[name];
    if (!rule) {
      r.fail(`line ${s.line}: unknown stanza "${name}"`);
      continue;
    }
    const verdict = rule(args);
    if (verdict !== true) r.fail(`line ${s.line}: ${name} ${verdict}`);
    // `respawn` and `respawn limit` are two stanzas; `script` and `exec` both give the main process
    const key = name === 'script' ? 'exec' : name === 'respawn' && args[0] === 'limit' ? 'respawn limit' : name;
    if (!['env', 'export', 'emits', 'limit', 'cgroup', 'apparmor'].includes(name)) {
      if (seen.has(key)) r.fail(`line ${s.line}: a second ${key === 'exec' ? 'exec/script' : key} (line ${seen.get(key)} already gives it)`);
      seen.set(key, s.line);
    }
  }
  if (!seen.has('exec')) r.warn('neither exec nor script: the job runs no main process');
  if (r.failures.length === before) r.ok('every stanza is an upstart stanza with valid arguments');

  // upstart runs script blocks, and exec lines with shell characters, as /bin/sh -e -c
  const work = scratch('upstart');
  try {
    let n = 0;
    for (const s of list) {
      let body;
      let first;
      if (s.block) {
        body = s.block.lines;
        first = s.block.first;
      } else if (s.words[0] === 'exec' || (PROCESSES.includes(s.words[0]) && s.words[1] === 'exec')) {
        const at = s.raw.indexOf('exec') + 4;
        body = s.raw.slice(at).replace(/\n$/, '').split('\n');
        first = s.line;
      } else continue;
      const label = s.words.slice(0, s.block ? -1 : 2).join(' ') || 'script';
      const padded = join(work.dir, `block-${++n}.sh`);
      writeFileSync(padded, `${'\n'.repeat(first - 1)}${body.join('\n')}\n`);
      // variables come from env stanzas and upstart itself (SC2154, SC2034); an exec
      // line's words are split as the job's author meant (SC2086)
      const exclude = ['SC2154', 'SC2034', ...(s.block ? [] : ['SC2086'])];
      const sub = new Report(file);
      shChecks(sub, padded, `${label} (line ${first})`, exclude);
      for (const line of sub.lines) r.lines.push(line.replaceAll(padded, file));
      r.failures.push(...sub.failures);
      r.cannot ??= sub.cannot;
    }
  } finally {
    work.remove();
  }
  return r;
}
