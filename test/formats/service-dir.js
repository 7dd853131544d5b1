// Shared by the runit and daemontools checks: a supervision service directory
// (runsv(8), supervise(8)) is a folder with an executable ./run, optionally
// ./finish and a ./log service. Static checks here; each supervisor's runtime
// check lives in its own file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shChecks } from './lib.js';

/** Subjects in a rendered case: each top-level folder holding a run file. */
export function serviceDirsOf(paths) {
  return [...new Set(paths.filter((p) => /^[^/]+\/run$/.test(p)).map((p) => p.split('/')[0]))];
}

export function checkRunScript(r, file, label) {
  if (!existsSync(file)) return r.fail(`${label}: missing`);
  if (!(statSync(file).mode & 0o111)) r.fail(`${label}: not executable: the supervisor cannot start it`);
  const text = readFileSync(file, 'utf8');
  const first = text.split('\n')[0];
  if (/^#! ?\/bin\/sh/.test(first)) shChecks(r, file, label);
  else if (first.startsWith('#!')) r.ok(`${label}: interpreter ${first}: syntax not checked`);
  else r.fail(`${label}: no #! line: exec(2) fails with ENOEXEC under the supervisor`);
  // without exec the supervisor watches the shell and signals it, not the program
  if (!/^[ \t]*exec[ \t]+[^2>&< \t]/m.test(text)) r.warn(`${label}: no "exec COMMAND" line: the supervisor would watch the shell`);
}

export function staticChecks(r, dir, supervisor) {
  checkRunScript(r, join(dir, 'run'), 'run');
  if (existsSync(join(dir, 'finish'))) checkRunScript(r, join(dir, 'finish'), 'finish');
  if (existsSync(join(dir, 'log'))) checkRunScript(r, join(dir, 'log', 'run'), 'log/run');
  else r.warn(`no log/ service: ./run's output goes to ${supervisor}'s stderr`);
  if (existsSync(join(dir, 'supervise'))) r.warn('supervise/ is runtime state and is not shipped');
}
