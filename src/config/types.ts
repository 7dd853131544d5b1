// TypeScript view of the config schema (schema.ts), as written and as normalised.
import type { ConfigField } from './schema.js';

type Runlevel = 'S' | '0' | '1' | '2' | '3' | '4' | '5' | '6';

/** A config file as a user writes it. */
export interface InitgenConfig {
  name: string;
  description?: string;
  longDescription?: string;
  script: string;
  args?: string[];
  node?: string;
  user?: string;
  group?: string;
  cwd?: string;
  env?: Record<string, string>;
  umask?: string;
  pidfile?: string;
  logfile?: string;
  lockfile?: string;
  dependencies?: string[];
  runlevels?: { start?: Runlevel[]; stop?: Runlevel[] };
  respawn?: { enabled?: boolean; count?: number; seconds?: number };
  readiness?: 'run' | 'explicit';
  startTimeout?: number;
  stopTimeout?: number;
  settleTime?: number;
  nice?: number;
  nofile?: number;
  launchd?: { label?: string; kind?: 'daemon' | 'agent' };
  smf?: { model?: 'child' | 'contract'; fmriPrefix?: string };
  hardening?: Partial<Hardening>;
  logRotation?: 'copytruncate' | 'writer';
  logMaxSize?: number;
  logKeep?: number;
  /** issue 16: an unmodified program ("plain") or one that calls init.simple() */
  program?: 'initgen' | 'plain';
}

/** Sandboxing of the generated service (systemd maps it; other targets warn). */
interface Hardening {
  sandbox: boolean;
  protectSystem: 'strict' | 'full' | false;
  protectHome: boolean;
  systemCallFilter: boolean;
  bindLowPorts: boolean;
}

/** A config with every default filled in: what targets render from. */
export interface NormalizedConfig {
  name: string;
  description: string;
  longDescription: string;
  script: string;
  args: string[];
  node: string;
  user?: string;
  group?: string;
  cwd: string;
  env: Record<string, string>;
  /** three octal digits, e.g. "022" */
  umask: string;
  pidfile: string;
  logfile: string;
  lockfile?: string;
  dependencies: string[];
  runlevels: { start: Runlevel[]; stop: Runlevel[] };
  respawn: { enabled: boolean; count: number; seconds: number };
  readiness: 'run' | 'explicit';
  startTimeout: number;
  stopTimeout: number;
  /** seconds; 0: no settle window */
  settleTime: number;
  nice?: number;
  nofile?: number;
  launchd: { label: string; kind: 'daemon' | 'agent' };
  smf: { model: 'child' | 'contract'; fmriPrefix: string };
  hardening: Hardening;
  logRotation: 'copytruncate' | 'writer';
  /** undefined: each tool's own default */
  logMaxSize?: number;
  logKeep?: number;
  /** issue 16: what the script is */
  program: 'initgen' | 'plain';
  /** words between NODE and SCRIPT: `--import=WRAPPER` for a plain program, else none */
  nodeArgs: string[];
  /** fields the user actually set (targets warn only about those they cannot express) */
  given: ReadonlySet<ConfigField>;
}
