// The SysV init script format: POSIX sh with an LSB header.
// Real readers: dash -n, busybox sh -n, shellcheck, checkbashisms (Debian policy
// 9.3: /bin/sh scripts without bashisms), insserv (Debian's LSB header and
// dependency reader), systemd-sysv-generator (how systemd turns the script into a
// unit) and systemd-analyze verify on that unit. Own check: the LSB comment
// conventions (LSB Core, "Comment Conventions for Init Scripts").
// With { run: true } (root): the script itself, run as init runs it, through the
// LSB actions and exit codes (LSB Core, "Init Script Actions").
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLEAN_PATH, Report, poll, run, scratch, shChecks, tmpUnwritable, which } from './lib.js';

export const description = 'SysV init script (POSIX sh, LSB header)';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['dash', 'busybox', 'shellcheck', 'checkbashisms', 'insserv', 'systemd-analyze', 'systemd-sysv-generator'];
export const runTools = [];
/** What else the machine must allow, or false. */
export const requirements = tmpUnwritable;
export const usage = '[--run] FILE [NAME=VALUE...]';
/** Which rendered files this format check takes: the script (not the records). */
export const picks = (path) => !path.includes('/') && !path.endsWith('.txt');

const KEYWORDS = new Set(['Provides', 'Required-Start', 'Required-Stop', 'Should-Start', 'Should-Stop', 'X-Start-Before', 'X-Stop-After',
  'Default-Start', 'Default-Stop', 'Short-Description', 'Description', 'X-Interactive']);
// insserv complains about a header without these (Debian's init-script policy)
const REQUIRED = ['Provides', 'Required-Start', 'Required-Stop', 'Default-Start', 'Default-Stop', 'Short-Description'];

/** The LSB block's keywords, or failures; continuation lines belong to Description. */
export function lsbHeader(text, r) {
  const lines = text.split('\n');
  const begin = lines.indexOf('### BEGIN INIT INFO');
  const end = lines.indexOf('### END INIT INFO');
  if (begin < 0) return void r.fail('LSB header: no "### BEGIN INIT INFO" line');
  if (end < begin) return void r.fail('LSB header: no "### END INIT INFO" line after BEGIN');
  const fields = {};
  let last;
  for (const line of lines.slice(begin + 1, end)) {
    if (!line.startsWith('#')) return void r.fail(`LSB header: a line inside the block is not a comment: ${JSON.stringify(line)}`);
    // LSB: a Description continues on lines that start with '#' and a tab or at least two spaces
    if ((line.startsWith('#\t') || line.startsWith('#  ')) && last === 'Description') {
      fields.Description += ` ${line.slice(1).trim()}`;
      continue;
    }
    const m = /^# ([A-Za-z][A-Za-z0-9-]*):(.*)$/.exec(line);
    if (!m) {
      r.fail(`LSB header: not "# Keyword: value": ${JSON.stringify(line)}`);
      continue;
    }
    const [, key, value] = m;
    if (!KEYWORDS.has(key) && !key.startsWith('X-')) r.fail(`LSB header: unknown keyword ${key} (only the LSB ones or X-*)`);
    if (key in fields) r.fail(`LSB header: ${key} given twice`);
    fields[key] = value.trim();
    last = key;
  }
  for (const key of REQUIRED) if (!(key in fields)) r.fail(`LSB header: no ${key}`);
  for (const key of ['Default-Start', 'Default-Stop']) {
    for (const level of (fields[key] ?? '').split(/\s+/).filter(Boolean)) {
      if (!/^[0-6S]$/.test(level)) r.fail(`LSB header: ${key} runlevel ${level} is not 0-6 or S`);
    }
  }
  if (fields['Short-Description'] !== undefined && fields['Short-Description'] === '') r.fail('LSB header: empty Short-Description');
  return fields;
}

export async function check(file, { run: lifecycle = false, env = {} } = {}) {
  const r = new Report(file);
  if (!existsSync(file)) return r.fail('no such file'), r;
  if (!r.need(...tools)) return r;
  if (tmpUnwritable()) return r.unable(tmpUnwritable()), r;
  const text = readFileSync(file, 'utf8');
  const name = basename(file);

  const first = text.split('\n')[0];
  if (/^#! ?\/bin\/sh( |$)/.test(first)) r.ok(`shebang ${first}`);
  else r.fail(`first line must be #!/bin/sh, found ${JSON.stringify(first)}`);
  if (!(statSync(file).mode & 0o100)) r.warn('not executable (an installed init script is mode 755)');
  if (name.endsWith('.sh')) r.fail('systemd-sysv-generator ignores init scripts named *.sh');

  shChecks(r, file, 'sh');
  const cb = run('checkbashisms', ['--newline', '--force', file]);
  if (cb.status === 0) r.ok('checkbashisms --newline');
  else r.fail('checkbashisms reports', cb.out);

  const fields = lsbHeader(text, r) ?? {};
  const work = scratch('sysv');
  try {
    const initd = join(work.dir, 'init.d');
    mkdirSync(initd);
    for (const level of ['0', '1', '2', '3', '4', '5', '6', 'S']) mkdirSync(join(work.dir, `rc${level}.d`));
    copyFileSync(file, join(initd, name));
    chmodSync(join(initd, name), 0o755);

    // insserv -n: dry run, in a scratch init.d. It exits 0 on some broken headers,
    // so every line that is not its ordinary chatter counts.
    const chatter = /enable service|dryrun, not creating|creating directory|can not opendir|^[SK]:\d+:|^$/;
    let ins = run('insserv', ['-n', '-s', '-p', initd, name]);
    const absent = ins.out.split('\n').filter((l) => /has to be enabled to use service/.test(l));
    if (absent.length) {
      // dependencies that are not installed here cannot be resolved here; -f goes on without them
      r.warn(`insserv: depends on services not installed here:\n${absent.join('\n')}`);
      ins = run('insserv', ['-n', '-s', '-f', '-p', initd, name]);
    }
    const bad = ins.out.split('\n').filter((l) => !chatter.test(l) && !/has to be enabled to use service|exiting now/.test(l));
    if (ins.status === 0 && bad.length === 0) r.ok('insserv -n reads the LSB header');
    else r.fail(`insserv rejects the LSB header (exit ${ins.status})`, bad.join('\n'));

    // systemd-sysv-generator with every path pointed at the scratch tree
    const levels = (key) => (fields[key] ?? '').split(/\s+/).filter((l) => /^[0-6S]$/.test(l));
    for (const level of levels('Default-Start')) symlinkSync(`../init.d/${name}`, join(work.dir, `rc${level}.d`, `S01${name}`));
    for (const level of levels('Default-Stop')) symlinkSync(`../init.d/${name}`, join(work.dir, `rc${level}.d`, `K01${name}`));
    const out = ['normal', 'early', 'late'].map((d) => join(work.dir, 'gen', d));
    for (const d of out) mkdirSync(d, { recursive: true });
    mkdirSync(join(work.dir, 'units'));
    const gen = run(which('systemd-sysv-generator'), out, {
      env: { PATH: CLEAN_PATH, SYSTEMD_LOG_LEVEL: 'notice', SYSTEMD_SYSVINIT_PATH: initd, SYSTEMD_SYSVRCND_PATH: work.dir, SYSTEMD_UNIT_PATH: join(work.dir, 'units') },
    });
    const unit = join(out[2], `${name}.service`);
    if (!existsSync(unit)) r.fail('systemd-sysv-generator makes no unit of it', gen.out);
    else {
      const complaints = gen.out.split('\n').filter((l) => l && !/lacks a native systemd unit file/.test(l));
      if (complaints.length) r.fail('systemd-sysv-generator complains', complaints.join('\n'));
      const unitText = readFileSync(unit, 'utf8');
      const desc = /^Description=(.*)$/m.exec(unitText)?.[1];
      // the generator escapes % as %% (unit file specifiers, systemd.unit(5))
      const short = fields['Short-Description'];
      if (short !== undefined && desc !== `LSB: ${short.replaceAll('%', '%%')}`) r.fail(`systemd-sysv-generator did not take Short-Description (Description=${desc})`);
      else r.ok(`systemd-sysv-generator: Description=${desc}`);
      const v = run('systemd-analyze', ['verify', '--man=no', '--generators=no', '--recursive-errors=no', unit]);
      if (v.status === 0 && v.out.trim() === '') r.ok('systemd-analyze verify accepts the generated unit');
      else r.fail('systemd-analyze verify complains about the generated unit', v.out);
    }
    if (lifecycle && r.failures.length === 0 && r.needRoot('--run starts the service as init would')) await runLifecycle(r, file, env, work.dir);
  } finally {
    work.remove();
  }
  return r;
}

/** LSB Core "Init Script Actions": the exit codes from each state, run with a clean environment. */
async function runLifecycle(r, file, env, dir) {
  const copy = join(dir, 'run', basename(file));
  mkdirSync(join(dir, 'run'));
  copyFileSync(file, copy);
  chmodSync(copy, 0o755);
  const act = (action) => run(copy, [action], { env: { PATH: CLEAN_PATH, ...env }, timeout: 60_000 });
  const expect = (action, ...codes) => {
    const a = act(action);
    if (codes.includes(a.status)) r.ok(`run: '${action}' exits ${a.status}`);
    else r.fail(`run: '${action}' exits ${a.status}, LSB wants ${codes.join(' or ')}`, a.out);
  };
  // a stopped daemon can stay a zombie for a moment before its parent reaps it
  const expectStopped = async (when) => {
    const a = await poll(() => {
      const s = act('status');
      return s.status === 3 ? s : undefined;
    }, 10_000);
    if (a) r.ok(`run: 'status' exits 3 ${when}`);
    else r.fail(`run: 'status' does not exit 3 ${when}`, act('status').out);
  };
  try {
    await expectStopped('before start');
    expect('start', 0);
    expect('status', 0);
    expect('start', 0);
    expect('restart', 0);
    expect('status', 0);
    expect('force-reload', 0);
    expect('status', 0);
    expect('stop', 0);
    await expectStopped('after stop');
    expect('stop', 0);
    expect('no-such-action', 2, 3);
  } finally {
    act('stop');
  }
}
