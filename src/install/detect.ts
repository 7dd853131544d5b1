// Which init system runs this host, from evidence, strongest first. Tools on PATH are
// weak evidence (pm2 trusts the first one it finds); what is running is strong.
// Detection only reads files: it never runs a program, since with --root DIR every
// program there is whoever owns DIR's (docs/contract.md §5), and the live system's
// answers are all in /proc and /run anyway.
import { readdir, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { TargetName } from '../targets/registry.js';
import { findTool, inRoot, isDir, readSmall } from './rootfs.js';

export const INIT_SYSTEMS = ['systemd', 'upstart', 'sysv-debian', 'sysv-rhel', 'openrc', 'launchd', 'smf', 'runit', 'daemontools'] as const;
export type InitSystem = (typeof INIT_SYSTEMS)[number];

export interface Evidence {
  /** what was looked at, e.g. "/run/systemd/system" */
  check: string;
  /** what was seen */
  seen: string;
  /** the init system it points to, when it points to one */
  system?: InitSystem;
}

export interface Detection {
  system?: InitSystem;
  evidence: Evidence[];
}

export function targetOf(system: InitSystem): TargetName {
  return system === 'sysv-debian' || system === 'sysv-rhel' ? 'sysv' : system;
}

type Probe = (root: string) => Promise<Evidence>;

// sd_booted(3): systemd creates this directory at boot, and nothing else does.
const systemdRuntime: Probe = async (root) =>
  (await isDir(inRoot(root, '/run/systemd/system')))
    ? { check: '/run/systemd/system', seen: 'directory exists', system: 'systemd' }
    : { check: '/run/systemd/system', seen: 'absent' };

const PID1: [RegExp, InitSystem][] = [
  [/(^|\/)systemd$/, 'systemd'],
  [/(^|\/)upstart$/, 'upstart'],
  [/(^|\/)runit(-init)?$/, 'runit'],
  [/(^|\/)(svscan|svscanboot)$/, 'daemontools'],
  [/(^|\/)openrc-init$/, 'openrc'],
  [/(^|\/)launchd$/, 'launchd'],
];

// comm says "init" for sysvinit and for upstart alike; the exe link tells them apart.
const pid1: Probe = async (root) => {
  const comm = (await readSmall(inRoot(root, '/proc/1/comm'))).trim();
  const exe = await readlink(inRoot(root, '/proc/1/exe')).catch((e: NodeJS.ErrnoException) => `(${e.code ?? 'unreadable'})`);
  const seen = `comm ${comm || '(unreadable)'}, exe ${exe}`;
  for (const word of [exe.replace(/ \(deleted\)$/, ''), comm]) {
    const hit = PID1.find(([re]) => re.test(word));
    if (hit !== undefined) return { check: '/proc/1/comm, /proc/1/exe', seen, system: hit[1] };
  }
  return { check: '/proc/1/comm, /proc/1/exe', seen: comm === 'init' ? `${seen}: sysvinit or upstart` : seen };
};

// Upstart's initctl carries its package name ("initctl (upstart 1.12.1)"); the bytes of
// the file are read, as `strings` would, never run.
const initctl: Probe = async (root) => {
  const check = 'initctl mentions upstart';
  const tool = await findTool(root, 'initctl');
  if (tool === undefined) return { check, seen: 'no initctl' };
  const seen = `/${posix.relative(root, tool)}`;
  return /upstart/i.test(await readSmall(tool, 8 << 20)) ? { check, seen: `${seen} is upstart's`, system: 'upstart' } : { check, seen: `${seen} is not upstart's` };
};

function tool(name: string, system: InitSystem): Probe {
  return async (root) => {
    const path = await findTool(root, name);
    return path === undefined ? { check: name, seen: 'not installed' } : { check: name, seen: `/${posix.relative(root, path)}`, system };
  };
}

const SUPERVISORS: Record<string, InitSystem> = { runsvdir: 'runit', svscan: 'daemontools' };

const supervisors: Probe = async (root) => {
  const check = 'runsvdir or svscan running';
  const pids = await readdir(inRoot(root, '/proc')).catch(() => [] as string[]);
  for (const pid of pids.filter((p) => /^\d+$/.test(p)).sort((a, b) => Number(a) - Number(b))) {
    const comm = (await readSmall(inRoot(root, `/proc/${pid}/comm`))).trim();
    const system = SUPERVISORS[comm];
    if (system !== undefined) return { check, seen: `${comm} is pid ${pid}`, system };
  }
  return { check, seen: 'neither is running' };
};

const initScripts: Probe = async (root) => {
  const check = '/etc/init.d with update-rc.d or chkconfig';
  if (!(await isDir(inRoot(root, '/etc/init.d')))) return { check, seen: 'no /etc/init.d' };
  if ((await findTool(root, 'update-rc.d')) !== undefined) return { check, seen: '/etc/init.d and update-rc.d', system: 'sysv-debian' };
  if ((await findTool(root, 'chkconfig')) !== undefined) return { check, seen: '/etc/init.d and chkconfig', system: 'sysv-rhel' };
  return { check, seen: '/etc/init.d but neither update-rc.d nor chkconfig' };
};

/** Strongest first: the first probe that names a system decides. */
const PROBES: Probe[] = [
  systemdRuntime,
  pid1,
  initctl,
  tool('openrc-run', 'openrc'),
  tool('launchctl', 'launchd'),
  tool('svcadm', 'smf'),
  supervisors,
  initScripts,
];

export async function detect(root = '/'): Promise<Detection> {
  const evidence: Evidence[] = [];
  for (const probe of PROBES) evidence.push(await probe(root));
  const system = evidence.find((e) => e.system !== undefined)?.system;
  return system === undefined ? { evidence } : { system, evidence };
}

/** Debian (update-rc.d, insserv) or RHEL (chkconfig) tools, for enabling a SysV script. */
export async function sysvFlavour(root: string): Promise<'debian' | 'rhel' | undefined> {
  if ((await findTool(root, 'update-rc.d')) !== undefined || (await findTool(root, 'insserv')) !== undefined) return 'debian';
  if ((await findTool(root, 'chkconfig')) !== undefined) return 'rhel';
  return undefined;
}
