// `status --json` and `metrics` (issue 14): what monitoring reads besides an exit code.
// Loaded only for these variants: the plain `status` stays as light as it was
// (test/service/status-weight.test.js). Reads metadata only: the log file is lstat-ed,
// never opened; package.json is opened no-follow, non-blocking and size-bounded.
import { dirname, join } from 'node:path';
import { STATUS_CODES, STATUS_MEANINGS, type StatusOutcome } from '../lsb.js';
import { fs } from './builtins.js';
import { logSize } from './logfile.js';
import { readProc } from './proc.js';
import type { Service } from './service.js';

/** The object `status --json` prints. Field names are stable (docs/monitoring.md). */
export interface StatusReport {
  format: 'initgen-status/1';
  name: string;
  status: { code: number; outcome: StatusOutcome; meaning: string };
  pid: number | null;
  /** ISO 8601, from the kernel's record of the process start */
  startedAt: string | null;
  uptimeSeconds: number | null;
  rssBytes: number | null;
  pidfile: string;
  logfile: { path: string; sizeBytes: number | null };
  version: string | null;
  /** why the status could not be read (LSB 4), else null */
  error: string | null;
}

const PACKAGE_JSON_MAX = 64 * 1024;

/** Linux reports start times in USER_HZ, 100 on every mainstream architecture. */
const USER_HZ = 100;

/** Wall-clock start of a process: boot time (btime, whole seconds) plus its start ticks. */
function startedAt(startTicks: number): number | null {
  try {
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'latin1'));
    return btime ? Number(btime[1]) * 1000 + (startTicks * 1000) / USER_HZ : null;
  } catch {
    return null;
  }
}

/** Resident set size from /proc/PID/status (VmRSS, in kB), or null. */
function residentBytes(pid: number): number | null {
  try {
    const line = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'latin1'));
    return line ? Number(line[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function readPackageVersion(file: string): string | null | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > PACKAGE_JSON_MAX) return null;
    const buffer = Buffer.alloc(stat.size);
    const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const version = (JSON.parse(buffer.subarray(0, length).toString('utf8')) as { version?: unknown }).version;
    return typeof version === 'string' && version.length <= 64 ? version : null;
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** The `version` option, else the version of the nearest package.json above the script. */
function serviceVersion(given: string | undefined, script: string): string | null {
  if (given !== undefined) return given;
  if (!script) return null;
  for (let dir = dirname(script); ; dir = dirname(dir)) {
    const found = readPackageVersion(join(dir, 'package.json'));
    if (found !== undefined) return found;
    if (dirname(dir) === dir) return null;
  }
}

export function statusReport(service: Service, script: string, version: string | undefined, now = Date.now()): StatusReport {
  const o = service.options;
  const result = service.status();
  const pid = result.outcome === 'running' && result.pid !== undefined ? result.pid : null;
  const info = pid === null ? null : readProc(pid);
  const startedAtMs = info ? startedAt(info.startTicks) : null;
  return {
    format: 'initgen-status/1',
    name: o.name,
    status: { code: STATUS_CODES[result.outcome], outcome: result.outcome, meaning: STATUS_MEANINGS[result.outcome] },
    pid,
    startedAt: startedAtMs === null ? null : new Date(startedAtMs).toISOString(),
    uptimeSeconds: startedAtMs === null ? null : Math.max(0, Math.floor((now - startedAtMs) / 1000)),
    rssBytes: pid === null ? null : residentBytes(pid),
    pidfile: o.pidfile,
    logfile: { path: o.logfile, sizeBytes: logSize(o.logfile) },
    version: serviceVersion(version, script),
    error: result.error ?? null,
  };
}

/** A label value in the Prometheus text format: backslash, quote and newline escaped. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * node_exporter's textfile collector format (Prometheus text exposition 0.0.4):
 * every series carries the service's name, so one collector directory serves many.
 */
export function metricsText(report: StatusReport): string {
  const id = `service="${label(report.name)}"`;
  const lines: string[] = [];
  const metric = (name: string, help: string, value: number | null, extra = ''): void => {
    if (value === null) return;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}{${id}${extra}} ${value}`);
  };
  metric('initgen_up', '1 when the service is running, else 0.', report.status.outcome === 'running' ? 1 : 0);
  metric('initgen_status_code', 'The LSB status exit code.', report.status.code);
  metric('initgen_start_time_seconds', 'Start time of the daemon, seconds since the epoch.', report.startedAt === null ? null : Date.parse(report.startedAt) / 1000);
  metric('initgen_resident_memory_bytes', 'Resident set size of the daemon.', report.rssBytes);
  metric('initgen_log_size_bytes', 'Size of the log file.', report.logfile.sizeBytes);
  metric('initgen_info', 'The service version, as a label.', 1, `,version="${label(report.version ?? '')}"`);
  return lines.join('\n');
}
