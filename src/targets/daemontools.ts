// daemontools service directory (supervise(8), envdir(8), setuidgid(8), multilog(8)),
// installed as /etc/service/NAME: Debian's daemontools-run scans /etc/service.
import { posix } from 'node:path';
import { shQuote } from '../render/sh.js';
import { at, type Site } from './host.js';
import { linkInto, scanLink, superviseFields, superviseTarget, supervised, unlinkScan, type Flavour } from './supervise.js';
import type { Target } from './types.js';

const flavour: Flavour = {
  target: 'daemontools',
  root: 'etc/service',
  // Debian's daemontools-run scans /etc/service; DJB's own layout is /service
  scanDirs: ['/etc/service', '/service'],
  supervisor: 'supervise',
  forceStop: (seconds, name) => `svc -d /etc/service/${name}; sleep ${seconds}; svc -k /etc/service/${name}`,
  once: (name) => `svc -o /etc/service/${name}`,
  dropTo: (account) => ['setuidgid', shQuote(account)],
  logger: (dir) => `multilog t ${dir}`,
  // envdir first, so ./env is read as root; the tools after it are found through the
  // service's own PATH when env sets one (else the fixed PATH env -i gives).
  wrap(w, config, ctx) {
    const words: string[] = [];
    if (w.envdir !== undefined) words.push('envdir', w.envdir);
    if (w.nice !== undefined) words.push('nice', '-n', String(w.nice));
    if (w.user !== undefined) words.push('setuidgid', shQuote(w.user));
    if (w.group !== undefined) {
      ctx.warn(
        'group',
        w.user !== undefined
          ? `setuidgid runs ${config.name} with ${w.user}'s primary group; group ${w.group} cannot be chosen`
          : 'setuidgid cannot change the group without a user; the service runs as root',
      );
    }
    return words;
  },
};

export const target: Target = {
  name: 'daemontools',
  title: 'daemontools service directory (run, log/run, env/)',
  ...superviseTarget(flavour),
  // svscan never stops a supervise whose directory vanished: the documented removal is
  // mv NAME .NAME; svc -dx .NAME .NAME/log; wait; rm -rf .NAME.
  enabler: {
    privileged: false,
    enable: (s) => linkInto(flavour, s),
    disable: (s) => {
      const park = parked(s);
      const dir = park?.to ?? at(s, `/${flavour.root}/${s.name}`);
      return [
        ...(park === undefined ? unlinkScan(flavour, s) : [{ kind: 'rename' as const, from: park.from, to: park.to }]),
        { kind: 'run', argv: ['svc', '-dx', dir, `${dir}/log`], tolerate: true, dirs: [dir] },
        { kind: 'waitFail', argv: ['svok', dir], seconds: s.stopTimeout + 10, dirs: [dir] },
        { kind: 'waitFail', argv: ['svok', `${dir}/log`], seconds: s.stopTimeout + 10, dirs: [dir] },
      ];
    },
    supervised: supervised(flavour, parked),
  },
  detection: { pid1: /(^|\/)(svscan|svscanboot)$/, running: 'svscan' },
  fields: superviseFields(flavour, {
    user: { support: 'mapped', how: 'setuidgid USER (with USER\'s primary group)' },
    group: { support: 'unsupported', how: 'setuidgid always takes the user\'s primary group' },
    nice: { support: 'mapped', how: 'nice -n (added to supervise\'s niceness, normally 0)' },
    env: {
      support: 'mapped',
      how: 'env/KEY files read by envdir (newline stored as NUL); if any value ends in a space or tab, which envdir strips, all go through env(1) in ./run',
    },
    logfile: {
      support: 'mapped',
      how: 'log/run: setuidgid USER multilog t into directory dirname(logfile)/NAME, created owned by USER when missing; refused unless the directory above is root\'s alone',
    },
    logMaxSize: { support: 'mapped', how: 'multilog sSIZE (4096 to 16777215; clamped with a warning)' },
    logKeep: { support: 'mapped', how: 'multilog nNUM (at least 2; raised with a warning)' },
  }),
};

/** The service directory is in the scanned one: it moves to a dot name while it stops. */
function parked(s: Site): { from: string; to: string } | undefined {
  if (scanLink(flavour, s) !== undefined) return undefined;
  const dir = `/${flavour.root}/${s.name}`;
  return { from: at(s, dir), to: at(s, posix.join(posix.dirname(dir), `.${s.name}`)) };
}
