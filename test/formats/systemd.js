// systemd unit files (systemd.unit(5), systemd.service(5)). Real reader:
// systemd-analyze verify, which loads units without systemd as PID 1. It exits 0
// on many real mistakes ("Unknown key name ..., ignoring"), so every line it prints
// counts as a failure except a dependency not installed here, and (with
// allowMissingExec) an ExecStart= binary not installed here.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Report, run, scratch, tmpUnwritable } from './lib.js';

export const description = 'systemd unit files';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['systemd-analyze'];
export const runTools = [];
/** What else the machine must allow, or false. */
export const requirements = tmpUnwritable;
export const usage = '[--allow-missing-exec] FILE...';
const SUFFIX = /\.(service|socket|timer|target|path|mount|automount|swap|slice|scope|device)$/;
export const picks = (path) => SUFFIX.test(path);
/** Golden units name /usr/bin/node and scripts that are not on this machine. */
export const goldenOptions = { allowMissingExec: true };

export async function check(files, { allowMissingExec = false } = {}) {
  const list = Array.isArray(files) ? files : [files];
  const r = new Report(list.join(' '));
  for (const f of list) {
    if (!existsSync(f)) r.fail(`no such file: ${f}`);
    else if (!SUFFIX.test(basename(f))) r.fail(`${basename(f)}: a unit file name ends in its type (.service, .socket, ...)`);
  }
  if (r.failures.length || !r.need(...tools)) return r;
  if (tmpUnwritable()) return r.unable(tmpUnwritable()), r;
  const work = scratch('systemd');
  try {
    mkdirSync(join(work.dir, 'units'));
    const copies = list.map((f) => {
      const copy = join(work.dir, 'units', basename(f));
      copyFileSync(f, copy);
      return copy;
    });
    const v = run('systemd-analyze', ['verify', '--man=no', '--generators=no', '--recursive-errors=no', ...copies]);
    const lines = v.out.replaceAll(`${work.dir}/units/`, '').split('\n').filter(Boolean);
    const bad = [];
    for (const line of lines) {
      if (/Unit \S+ not found/.test(line)) r.warn(`dependency not installed here, not checked: ${line}`);
      else if (allowMissingExec && /is not executable: No such file or directory/.test(line)) r.warn(`executable not installed here: ${line}`);
      else bad.push(line);
    }
    if (bad.length) r.fail(`systemd-analyze verify (exit ${v.status}) reports`, bad.join('\n'));
    else if (v.status !== 0 && !allowMissingExec) r.fail(`systemd-analyze verify exits ${v.status}`);
    else r.ok('systemd-analyze verify accepts the units without a complaint');
  } finally {
    work.remove();
  }
  return r;
}
