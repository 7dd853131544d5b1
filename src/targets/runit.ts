// runit service directory (runsv(8), chpst(8), svlogd(8)), installed as /etc/sv/NAME
// and enabled by linking it into the scanned directory (Debian: /etc/service).
import { shQuote } from '../render/sh.js';
import { at } from './host.js';
import { linkInto, superviseFields, superviseTarget, supervised, unlinkScan, type Flavour } from './supervise.js';
import type { Target } from './types.js';

const flavour: Flavour = {
  target: 'runit',
  root: 'etc/sv',
  scanDirs: ['/etc/service'],
  supervisor: 'runsv',
  forceStop: (seconds, name) => `sv -w ${seconds} force-stop ${name}`,
  once: (name) => `sv once ${name}`,
  dropTo: (account) => ['chpst', '-u', shQuote(account)],
  logger: (dir) => `svlogd -tt ${dir}`,
  // One chpst applies them all, reading ./env and renicing while still root.
  wrap(w) {
    const opts: string[] = [];
    if (w.envdir !== undefined) opts.push('-e', w.envdir);
    if (w.user !== undefined || w.group !== undefined) {
      opts.push('-u', shQuote(`${w.user ?? 'root'}${w.group !== undefined ? `:${w.group}` : ''}`));
    }
    if (w.nice !== undefined) opts.push('-n', String(w.nice));
    return opts.length > 0 ? ['chpst', ...opts] : [];
  },
};

export const target: Target = {
  name: 'runit',
  title: 'runit service directory (run, log/run, env/)',
  ...superviseTarget(flavour),
  enabler: {
    privileged: false,
    enable: (s) => linkInto(flavour, s),
    // runsv: force-shutdown stops the service (KILL after the timeout) and its log, then exits.
    disable: (s) => {
      const dir = at(s, `/${flavour.root}/${s.name}`);
      return [
        ...unlinkScan(flavour, s),
        { kind: 'run', argv: ['sv', '-w', String(s.stopTimeout), 'force-shutdown', dir], tolerate: true, dirs: [dir] },
        { kind: 'waitFail', argv: ['sv', 'status', dir], seconds: s.stopTimeout + 10, dirs: [dir] },
      ];
    },
    supervised: supervised(flavour),
  },
  detection: { pid1: /(^|\/)runit(-init)?$/, running: 'runsvdir' },
  fields: superviseFields(flavour, {
    user: { support: 'mapped', how: 'chpst -u USER[:GROUP]' },
    group: { support: 'mapped', how: 'chpst -u USER:GROUP (root:GROUP without a user)' },
    nice: { support: 'mapped', how: 'chpst -n (added to runsv\'s niceness, normally 0)' },
    env: {
      support: 'mapped',
      how: 'env/KEY files read by chpst -e (newline stored as NUL); if any value ends in a space or tab, which envdir strips, all go through env(1) in ./run',
    },
    logfile: {
      support: 'mapped',
      how: 'log/run: chpst -u USER[:GROUP] svlogd -tt into directory dirname(logfile)/NAME, created owned by USER when missing; refused unless the directory above is root\'s alone',
    },
    logMaxSize: { support: 'mapped', how: 'sSIZE line in the log directory\'s config file, written by log/run as the logger\'s user (0: no rotation)' },
    logKeep: { support: 'mapped', how: 'nNUM line in the log directory\'s config file (0 becomes 1: svlogd\'s n0 keeps all)' },
  }),
};
