// Test-side readers of the formats the systemd, upstart and SMF targets write,
// written from each reader's source or manual, so that tests can check that
// values come back byte for byte. Real tools confirm them where they run here.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGET_NAMES, cannotCheck } from '../formats/index.js';
import { isRoot, missingReason, which } from '../formats/lib.js';

// --- systemd: extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE), then
// specifiers (%% -> %), then for Exec*= lines $$ -> $ (systemd.syntax(7),
// systemd.service(5) "Command lines"). `shell` also reads the \$ and \` that
// `systemd --test` prints (shell_maybe_quote).
const C_ESCAPES = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', s: ' ', '\\': '\\', '"': '"', "'": "'" };

function cunescapeOne(text, i, shell) {
  const c = text[i];
  if (c in C_ESCAPES) return [C_ESCAPES[c], i + 1];
  if (shell && (c === '$' || c === '`')) return [c, i + 1];
  if (c === 'x') return [String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16)), i + 3];
  if (c === 'u') return [String.fromCodePoint(parseInt(text.slice(i + 1, i + 5), 16)), i + 5];
  if (/[0-7]/.test(c)) return [String.fromCharCode(parseInt(text.slice(i, i + 3), 8)), i + 3];
  throw new Error(`invalid escape \\${c}`);
}

export function systemdWords(text, { shell = false } = {}) {
  const words = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[ \t\n]/.test(text[i])) i++;
    if (i >= text.length) break;
    let word = '';
    let quote = null;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '\\') {
        const [ch, next] = cunescapeOne(text, i + 1, shell);
        word += ch;
        i = next - 1;
      } else if (quote) {
        if (c === quote) quote = null;
        else word += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (/[ \t\n]/.test(c)) break;
      else word += c;
    }
    if (quote) throw new Error('unterminated quote');
    words.push(word);
  }
  return words;
}

export function systemdSpecifiers(word) {
  return word.replace(/%(.)/g, (m, c) => {
    if (c !== '%') throw new Error(`unexpected specifier ${m}`);
    return '%';
  });
}

/** argv as systemd runs an ExecStart= value (no variables are expected in it). */
export function systemdExecArgv(value) {
  return systemdWords(value).map(systemdSpecifiers).map((w) => {
    if (/\$(?!\$)/.test(w.replace(/\$\$/g, ''))) throw new Error(`unexpected variable in ${w}`);
    return w.replace(/\$\$/g, '$');
  });
}

/** Settings of a unit file: [section, key, value] in order. */
export function systemdSettings(unit) {
  const out = [];
  let section = '';
  for (const line of unit.split('\n')) {
    if (/^[#;]/.test(line) || line.trim() === '') continue;
    if (line.startsWith('[')) section = line.slice(1, -1);
    else out.push([section, line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  }
  return out;
}

// --- upstart: libnih nih_config_token(dequote=TRUE) for one stanza argument
// (nih/config.c). A backslash drops only before another backslash or a blank;
// a line break (quoted or escaped) becomes one space.
export function nihToken(text) {
  let out = '';
  let quote = null;
  let slash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (slash) {
      slash = false;
      if (c === '\n') out += ' ';
      else if (c === '\\' || ' \t\r'.includes(c)) out += c;
      else out += `\\${c}`;
    } else if (c === '\\') slash = true;
    else if (quote) {
      if (c === quote) quote = null;
      else out += c === '\n' ? ' ' : c;
    } else if (c === '"' || c === "'") quote = c;
    else if (' \t\r#\n'.includes(c)) throw new Error(`token ends early at ${JSON.stringify(text.slice(i))}`);
    else out += c;
  }
  if (quote || slash) throw new Error('unterminated quote or trailing backslash');
  return out;
}

/** Body of the job's `script` block, as nih_config_parse_block returns it. */
export function upstartScript(job) {
  const lines = job.split('\n');
  const start = lines.findIndex((l) => /^\s*script\s*$/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^[ \t\r]*end[ \t\r]+script[ \t\r]*(#.*)?$/.test(l));
  if (start < 0 || end < 0) throw new Error('no script block');
  const body = lines.slice(start + 1, end);
  if (body.some((l) => /^[ \t\r]/.test(l))) throw new Error('indented body: libnih would strip common indentation');
  return `${body.join('\n')}\n`;
}

// --- running a command line for real, with a stand-in for node that records
// what it was given.

/** An executable that writes its argv and environment, NUL-separated, to $ARGV_OUT / $ENV_OUT. */
export function argvRecorder() {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-argv-'));
  const path = join(dir, 'record');
  writeFileSync(path, '#!/bin/sh\nprintf \'%s\\0\' "$@" >"$ARGV_OUT"\nenv -0 >"$ENV_OUT"\n');
  chmodSync(path, 0o755);
  return { dir, path, argvOut: join(dir, 'argv'), envOut: join(dir, 'env') };
}

export function readNul(file) {
  const text = readFileSync(file, 'utf8');
  return text === '' ? [] : text.slice(0, -1).split('\0');
}

/** Parse an XML file with python3's expat-based ElementTree into JSON (null when python3 is absent). */
export function smfRead(file) {
  const py = `
import json, sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find('service')
out = {'service': s.get('name'),
       'methods': {m.get('name'): {'exec': m.get('exec'), 'timeout': m.get('timeout_seconds')} for m in s.iter('exec_method')},
       'env': [[e.get('name'), e.get('value')] for e in s.iter('envvar')],
       'credential': [dict(c.attrib) for c in s.iter('method_credential')],
       'cwd': s.find('method_context').get('working_directory'),
       'deps': [d.find('service_fmri').get('value') for d in s.iter('dependency')],
       'props': {p.get('name'): p.get('value') for p in s.iter('propval')},
       'common_name': s.find('template/common_name/loctext').text,
       'description': s.find('template/description/loctext').text}
sys.stdout.write(json.dumps(out))
`;
  const run = spawnSync('python3', ['-c', py, file], { encoding: 'utf8' });
  if (run.error) return null;
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

// --- the format checks of test/formats/, for the target tests.

const CHECK = fileURLToPath(new URL('../formats/check.js', import.meta.url));

/**
 * Run a format check as its command line does (test/formats/check.js): synchronous,
 * so a test can call it where it used to call a validator script. Status 0 pass,
 * 1 fail (`FILE: FAIL: reason` lines), 2 usage, 3 cannot check here.
 */
export function runFormatCheck(kind, ...args) {
  const run = spawnSync(process.execPath, [CHECK, kind, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Why each format check (and NAMERun, its runtime check) cannot run here, or false: skip reasons. */
export const CANNOT = Object.fromEntries(
  (await Promise.all(TARGET_NAMES.map(async (name) => [
    [name, await cannotCheck(name)],
    [`${name}Run`, await cannotCheck(name, { runtime: true })],
  ]))).flat(),
);

/** Why a test that runs these tools as root cannot run here (a tool missing, or not root), or false. */
export function needsAsRoot(tools, why) {
  const missing = tools.filter((t) => !which(t));
  if (missing.length) return missingReason(missing);
  return !isRoot && `needs root: ${why}`;
}
