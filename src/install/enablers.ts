// How each target is enabled, stopped and disabled, with the target's own tools. On the
// live system (root /) the tools run as usual; under --root only what works on files
// runs (insserv -p, systemctl --root, symlinks), since nothing is running there.
import { basename, posix } from 'node:path';
import type { TargetName } from '../targets/registry.js';
import type { RenderedFile } from '../targets/types.js';
import type { Action } from './actions.js';
import { inRoot } from './rootfs.js';

export interface Site {
  /** the install root on this host, "/" for the live system */
  root: string;
  name: string;
  files: readonly RenderedFile[];
  /** the directory runsvdir/svscan watches, as seen inside the root */
  scanDir: string;
  /** which SysV tools the root has */
  sysv?: 'debian' | 'rhel';
  /** full path of insserv on this host, for --root */
  insserv?: string;
  stopTimeout: number;
}

export interface Enabler {
  /** enabling on the live system needs root */
  privileged: boolean;
  enable(s: Site): Action[];
  /** stop and disable; runs before the files are removed */
  disable(s: Site): Action[];
  /** runs after the files are removed */
  after?(s: Site): Action[];
  /** for daemontools: where the service directory is moved while it is stopped (svscan ignores dot names) */
  parked?(s: Site): { from: string; to: string } | undefined;
  /** directories the supervisor creates in the service directory, removed with it */
  runtime?: string[];
  /** how to start it now, when enabling does not */
  startHint?(s: Site): string | undefined;
}

/** Refused before anything is done (exit 2). */
export class PlanError extends Error {}

const live = (s: Site): boolean => s.root === '/';
const at = (s: Site, path: string): string => inRoot(s.root, path);
const installed = (s: Site, suffix: string): string => {
  const file = s.files.find((f) => f.installPath.endsWith(suffix));
  if (file === undefined) throw new Error(`no file ending in ${suffix}`);
  return `/${file.installPath}`;
};

/** /etc/sv/NAME for runit, /etc/service/NAME for daemontools: the directory holding ./run. */
export function serviceDir(s: Site): string {
  return posix.dirname(installed(s, `${s.name}/run`));
}

function scanLink(s: Site): string | undefined {
  const dir = serviceDir(s);
  const link = posix.join(s.scanDir, s.name);
  return link === dir ? undefined : link;
}

// A relative link resolves the same inside the root (at boot) and from this host.
function linkInto(s: Site): Action[] {
  const link = scanLink(s);
  return link === undefined ? [] : [{ kind: 'symlink', path: at(s, link), target: posix.relative(posix.dirname(link), serviceDir(s)) }];
}

const unlinkScan = (s: Site): Action[] => {
  const link = scanLink(s);
  return link === undefined ? [] : [{ kind: 'unlink', path: at(s, link) }];
};

const runit: Enabler = {
  privileged: false,
  enable: linkInto,
  // runsv: force-shutdown stops the service (KILL after the timeout) and its log, then exits.
  disable: (s) => [
    ...unlinkScan(s),
    { kind: 'run', argv: ['sv', '-w', String(s.stopTimeout), 'force-shutdown', at(s, serviceDir(s))], tolerate: true, dirs: [at(s, serviceDir(s))] },
    { kind: 'waitFail', argv: ['sv', 'status', at(s, serviceDir(s))], seconds: s.stopTimeout + 10, dirs: [at(s, serviceDir(s))] },
  ],
  runtime: ['supervise', 'log/supervise'],
};

function parkedDir(s: Site): { from: string; to: string } | undefined {
  const dir = serviceDir(s);
  if (scanLink(s) !== undefined) return undefined;
  return { from: at(s, dir), to: at(s, posix.join(posix.dirname(dir), `.${s.name}`)) };
}

// svscan never stops a supervise whose directory vanished: the documented removal is
// mv NAME .NAME; svc -dx .NAME .NAME/log; wait; rm -rf .NAME.
const daemontools: Enabler = {
  privileged: false,
  enable: linkInto,
  disable: (s) => {
    const park = parkedDir(s);
    const dir = park?.to ?? at(s, serviceDir(s));
    return [
      ...(park === undefined ? unlinkScan(s) : [{ kind: 'rename' as const, from: park.from, to: park.to }]),
      { kind: 'run', argv: ['svc', '-dx', dir, `${dir}/log`], tolerate: true, dirs: [dir] },
      { kind: 'waitFail', argv: ['svok', dir], seconds: s.stopTimeout + 10, dirs: [dir] },
      { kind: 'waitFail', argv: ['svok', `${dir}/log`], seconds: s.stopTimeout + 10, dirs: [dir] },
    ];
  },
  parked: parkedDir,
  runtime: ['supervise', 'log/supervise'],
};

function insservArgs(s: Site): string[] {
  if (s.insserv === undefined) throw new PlanError(`enabling a SysV script under --root needs insserv on this host; use --no-enable`);
  const initd = at(s, '/etc/init.d');
  // -i keeps insserv's .depend.* files inside the root too; -f because a build root lacks the scripts that provide $remote_fs etc.
  return [s.insserv, '-f', '-p', initd, '-i', initd, '-c', at(s, '/etc/insserv.conf'), '-o', at(s, '/etc/insserv/overrides')];
}

/** The directories insserv works in, handed to it open (actions.ts): it creates DIR/etc/rcN.d next to init.d. */
const insservDirs = (s: Site): string[] => [at(s, '/etc/init.d'), at(s, '/etc')];

const sysv: Enabler = {
  privileged: true,
  enable(s) {
    if (s.sysv === 'rhel') {
      if (!live(s)) throw new PlanError('chkconfig cannot work under --root; use --no-enable and run `chkconfig --add NAME` on the installed system');
      return [{ kind: 'run', argv: ['chkconfig', '--add', s.name] }];
    }
    if (s.sysv === undefined) throw new PlanError('found neither update-rc.d, insserv nor chkconfig to enable the script; use --no-enable');
    return [live(s) ? { kind: 'run', argv: ['update-rc.d', s.name, 'defaults'] } : { kind: 'run', argv: [...insservArgs(s), s.name], dirs: insservDirs(s) }];
  },
  disable(s) {
    if (!live(s)) return s.sysv === 'debian' && s.insserv !== undefined ? [{ kind: 'run', argv: [...insservArgs(s), '-r', s.name], tolerate: true, dirs: insservDirs(s) }] : [];
    const stop: Action = { kind: 'run', argv: [`/etc/init.d/${s.name}`, 'stop'], tolerate: true };
    if (s.sysv === 'rhel') return [stop, { kind: 'run', argv: ['chkconfig', '--del', s.name], tolerate: true }];
    return [stop, { kind: 'run', argv: ['update-rc.d', '-f', s.name, 'remove'], tolerate: true }];
  },
  startHint: (s) => `/etc/init.d/${s.name} start`,
};

const unit = (s: Site): string => basename(installed(s, '.service'));

const systemd: Enabler = {
  privileged: true,
  enable: (s) =>
    live(s)
      ? [
          { kind: 'run', argv: ['systemctl', 'daemon-reload'] },
          { kind: 'run', argv: ['systemctl', 'enable', unit(s)] },
        ]
      : [{ kind: 'run', argv: ['systemctl', `--root=${s.root}`, 'enable', unit(s)] }],
  disable: (s) =>
    live(s)
      ? [
          { kind: 'run', argv: ['systemctl', 'stop', unit(s)], tolerate: true },
          { kind: 'run', argv: ['systemctl', 'disable', unit(s)], tolerate: true },
        ]
      : [{ kind: 'run', argv: ['systemctl', `--root=${s.root}`, 'disable', unit(s)], tolerate: true }],
  after: (s) => (live(s) ? [{ kind: 'run', argv: ['systemctl', 'daemon-reload'], tolerate: true }] : []),
  startHint: (s) => `systemctl start ${unit(s)}`,
};

// An Upstart job with a `start on` stanza is enabled by existing.
const upstart: Enabler = {
  privileged: true,
  enable: (s) => (live(s) ? [{ kind: 'run', argv: ['initctl', 'reload-configuration'] }] : []),
  disable: (s) => (live(s) ? [{ kind: 'run', argv: ['initctl', 'stop', s.name], tolerate: true }] : []),
  after: (s) => (live(s) ? [{ kind: 'run', argv: ['initctl', 'reload-configuration'], tolerate: true }] : []),
  startHint: (s) => `initctl start ${s.name}`,
};

// rc-update add is a symlink in /etc/runlevels/default; under --root, make it directly.
const openrc: Enabler = {
  privileged: true,
  enable: (s) =>
    live(s)
      ? [{ kind: 'run', argv: ['rc-update', 'add', s.name, 'default'] }]
      : [{ kind: 'symlink', path: at(s, `/etc/runlevels/default/${s.name}`), target: `/etc/init.d/${s.name}` }],
  disable: (s) =>
    live(s)
      ? [
          { kind: 'run', argv: ['rc-service', s.name, 'stop'], tolerate: true },
          { kind: 'run', argv: ['rc-update', 'del', s.name, 'default'], tolerate: true },
        ]
      : [{ kind: 'unlink', path: at(s, `/etc/runlevels/default/${s.name}`) }],
  startHint: (s) => `rc-service ${s.name} start`,
};

function fmri(s: Site): string {
  const manifest = s.files.find((f) => f.installPath.endsWith('.xml'));
  const name = /<service\s+name=['"]([^'"]+)['"]/.exec(manifest?.content ?? '')?.[1];
  if (name === undefined) throw new Error('the SMF manifest names no service');
  return `svc:/${name}`;
}

// Under --root, svc:/system/manifest-import imports /lib/svc/manifest at the next boot.
const smf: Enabler = {
  privileged: true,
  enable: (s) =>
    live(s)
      ? [
          { kind: 'run', argv: ['svccfg', 'import', installed(s, '.xml')] },
          { kind: 'run', argv: ['svcadm', 'enable', fmri(s)] },
        ]
      : [],
  disable: (s) =>
    live(s)
      ? [
          { kind: 'run', argv: ['svcadm', 'disable', '-s', fmri(s)], tolerate: true },
          { kind: 'run', argv: ['svccfg', 'delete', '-f', fmri(s)], tolerate: true },
        ]
      : [],
};

function domain(s: Site): string {
  const agent = installed(s, '.plist').includes('/LaunchAgents/');
  return agent ? `gui/${process.env.SUDO_UID ?? process.getuid?.() ?? 0}` : 'system';
}

// launchd loads /Library/LaunchDaemons at boot; bootstrap loads it now.
const launchd: Enabler = {
  privileged: true,
  enable: (s) => (live(s) ? [{ kind: 'run', argv: ['launchctl', 'bootstrap', domain(s), installed(s, '.plist')] }] : []),
  disable: (s) =>
    live(s) ? [{ kind: 'run', argv: ['launchctl', 'bootout', `${domain(s)}/${basename(installed(s, '.plist'), '.plist')}`], tolerate: true }] : [],
};

// logrotate reads /etc/logrotate.d on its next run: nothing to enable.
const logrotate: Enabler = { privileged: false, enable: () => [], disable: () => [] };

export const ENABLERS: Record<TargetName, Enabler> = { sysv, upstart, smf, launchd, systemd, openrc, runit, daemontools, logrotate };

/** Debian's runit and daemontools-run both scan /etc/service; DJB's own layout is /service. */
export async function defaultScanDir(root: string, target: TargetName, isDir: (p: string) => Promise<boolean>): Promise<string> {
  if (target === 'daemontools' && !(await isDir(inRoot(root, '/etc/service'))) && (await isDir(inRoot(root, '/service')))) return '/service';
  return '/etc/service';
}
