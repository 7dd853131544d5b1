// logrotate configuration snippets (logrotate(8)). Real reader: logrotate -d,
// which parses the file and walks through the rotation without doing it. It
// exits 0 on some errors, so any "error:" line fails too, and the snippet must
// name at least one log.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Report, isRoot, run, scratch } from './lib.js';

export const description = 'logrotate snippet';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['logrotate'];
export const runTools = [];
export const usage = 'FILE';
export const picks = (path) => path.endsWith('.logrotate') || (!path.includes('/') && !path.endsWith('.txt'));

export async function check(file) {
  const r = new Report(file);
  if (!existsSync(file)) return r.fail('no such file'), r;
  if (!r.need(...tools)) return r;
  // with `su USER GROUP`, logrotate switches to that user even in debug mode
  if (/^\s*su\s/m.test(readFileSync(file, 'utf8')) && !isRoot) return r.unable('needs root: logrotate -d switches to the su user of the snippet even in debug mode'), r;
  const work = scratch('logrotate');
  try {
    // logrotate ignores a config that others can write, or that another user
    // owns: a private copy is read as the file's text, whoever cloned the repository
    const copy = join(work.dir, basename(file));
    copyFileSync(file, copy);
    const lr = run('logrotate', ['-d', '-s', join(work.dir, 'state'), copy]);
    const errors = lr.out.split('\n').filter((l) => /^error:/.test(l));
    if (lr.status === 0 && errors.length === 0 && /Handling [1-9]\d* logs?/.test(lr.out)) r.ok('logrotate -d reads it');
    else r.fail(`logrotate -d (exit ${lr.status}) rejects it`, errors.length ? errors.join('\n') : lr.out);
  } finally {
    work.remove();
  }
  return r;
}
