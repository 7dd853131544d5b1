// Which init system runs this host, from evidence, strongest first. Tools on PATH are
// weak evidence (pm2 trusts the first one it finds); what is running is strong.
// Detection only reads files: it never runs a program, since with --root DIR every
// program there is whoever owns DIR's (docs/contract.md §5), and the live system's
// answers are all in /proc and /run anyway. What to look for is each target's own
// (Target.detection); this is the search.
import { readdir, readlink } from 'node:fs/promises';
import type { Evidence, Probe } from '../targets/host.js';
import { loadTargets, type TargetName } from '../targets/registry.js';
import type { Target } from '../targets/types.js';
import { inRoot, readSmall } from './rootfs.js';

export type { Evidence } from '../targets/host.js';

export interface Detection {
  /** the init system, as `initgen detect` names it: a target, or a flavour of one (sysv-debian) */
  system?: string;
  /** the target that installs for it */
  target?: TargetName;
  evidence: Evidence[];
}

// comm says "init" for sysvinit and for upstart alike; the exe link tells them apart.
function pid1(targets: Target[]): Probe {
  return async (root) => {
    const comm = (await readSmall(inRoot(root, '/proc/1/comm'))).trim();
    const exe = await readlink(inRoot(root, '/proc/1/exe')).catch((e: NodeJS.ErrnoException) => `(${e.code ?? 'unreadable'})`);
    const seen = `comm ${comm || '(unreadable)'}, exe ${exe}`;
    for (const word of [exe.replace(/ \(deleted\)$/, ''), comm]) {
      const hit = targets.find((t) => t.detection?.pid1?.test(word));
      if (hit !== undefined) return { check: '/proc/1/comm, /proc/1/exe', seen, system: hit.name };
    }
    return { check: '/proc/1/comm, /proc/1/exe', seen: comm === 'init' ? `${seen}: sysvinit or upstart` : seen };
  };
}

function supervisors(targets: Target[]): Probe {
  const names = new Map(targets.flatMap((t) => (t.detection?.running === undefined ? [] : [[t.detection.running, t.name] as const])));
  const words = [...names.keys()];
  const check = `${words.join(' or ')} running`;
  return async (root) => {
    const pids = await readdir(inRoot(root, '/proc')).catch(() => [] as string[]);
    for (const pid of pids.filter((p) => /^\d+$/.test(p)).sort((a, b) => Number(a) - Number(b))) {
      const comm = (await readSmall(inRoot(root, `/proc/${pid}/comm`))).trim();
      const system = names.get(comm);
      if (system !== undefined) return { check, seen: `${comm} is pid ${pid}`, system };
    }
    return { check, seen: words.length === 2 ? 'neither is running' : 'none is running' };
  };
}

/** Every target's probes and the two shared ones, strongest first (ranks: src/targets/host.ts). */
function probes(targets: Target[]): Probe[] {
  const ranked = [
    { rank: 20, probe: pid1(targets) },
    { rank: 70, probe: supervisors(targets) },
    ...targets.flatMap((t) => t.detection?.probes ?? []),
  ];
  return ranked.sort((a, b) => a.rank - b.rank).map((r) => r.probe);
}

export async function detect(root = '/'): Promise<Detection> {
  const targets = await loadTargets();
  const evidence: Evidence[] = [];
  for (const probe of probes(targets)) evidence.push(await probe(root));
  const system = evidence.find((e) => e.system !== undefined)?.system;
  if (system === undefined) return { evidence };
  const target = targets.find((t) => t.name === system || t.detection?.flavours?.includes(system));
  if (target === undefined) throw new Error(`no target installs for the init system ${system}`);
  return { system, target: target.name as TargetName, evidence };
}
