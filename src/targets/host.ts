// What a target knows about a host: how to enable and disable it there (its Enabler,
// used by install and uninstall) and the evidence `initgen detect` looks for. On the
// live system (root /) the tools run as usual; under --root only what works on files
// runs (insserv -p, systemctl --root, symlinks), since nothing is running there.
import { posix } from 'node:path';
import type { Action } from '../install/actions.js';
import { findTool, inRoot } from '../install/rootfs.js';

export interface Site {
  /** the install root on this host, "/" for the live system */
  root: string;
  name: string;
  /** what the service manager calls it (Target.unit): a systemd unit, an SMF FMRI, a launchd label */
  unit: string;
  /** the files' install paths, relative to / */
  paths: readonly string[];
  /** the directory runsvdir/svscan watches, as seen inside the root */
  scanDir: string;
  /** what Enabler.look found on this host (sysv: which tools enable a script) */
  tools: Readonly<Record<string, string>>;
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
  /** how to start it now, when enabling does not */
  startHint?(s: Site): string | undefined;
  /** the host's tools this enabler chooses between (becomes Site.tools) */
  look?(root: string): Promise<Record<string, string>>;
  /** a service directory that a supervisor scans (runit, daemontools) */
  supervised?: Supervised;
}

export interface Supervised {
  /** the directory holding ./run, as seen inside the root */
  serviceDir(name: string): string;
  /** the scanned directory when --scan-dir is not given: the first of these that exists in the root, else the first */
  scanDirs: readonly string[];
  /** directories the supervisor creates in the service directory, removed with it */
  runtime: readonly string[];
  /** daemontools: where the service directory is moved while it is stopped (svscan ignores dot names) */
  parked?(s: Site): { from: string; to: string } | undefined;
}

/** Refused before anything is done (exit 2). */
export class PlanError extends Error {}

export const live = (s: Site): boolean => s.root === '/';
/** The host path of PATH (as seen inside the site's root). */
export const at = (s: Site, path: string): string => inRoot(s.root, path);
/** The installed file whose path ends in SUFFIX, as an absolute path inside the root. */
export function installed(s: Site, suffix: string): string {
  const path = s.paths.find((p) => p.endsWith(suffix));
  if (path === undefined) throw new Error(`no file ending in ${suffix}`);
  return `/${path}`;
}

export interface Evidence {
  /** what was looked at, e.g. "/run/systemd/system" */
  check: string;
  /** what was seen */
  seen: string;
  /** the init system it points to (a target's name, or a flavour of it such as sysv-debian) */
  system?: string;
}

export type Probe = (root: string) => Promise<Evidence>;

/**
 * What `initgen detect` looks for. Probes run strongest first across all targets, by
 * rank: 10 a runtime marker only that init creates, 20 pid 1 (the pid1 patterns of every
 * target, one probe), 30-60 a tool installed, 70 a supervisor running (the `running`
 * names of every target, one probe), 80 init scripts.
 */
export interface Detection {
  /** pid 1's executable (or comm) name */
  pid1?: RegExp;
  /** a supervisor's process name (comm) */
  running?: string;
  probes?: readonly { rank: number; probe: Probe }[];
  /** the init systems its probes name when not the target's own name (sysv: sysv-debian, sysv-rhel) */
  flavours?: readonly string[];
}

/** Evidence that TOOL is installed in ROOT's bin directories. */
export function toolProbe(tool: string, system: string): Probe {
  return async (root) => {
    const path = await findTool(root, tool);
    return path === undefined ? { check: tool, seen: 'not installed' } : { check: tool, seen: `/${posix.relative(root, path)}`, system };
  };
}
