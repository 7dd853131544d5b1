// `check`: a Monitoring Plugins check (Nagios, Icinga, Naemon; issue 14), following the
// Monitoring Plugins development guidelines: one line `NAME STATE - text | perfdata`,
// exit 0 OK / 1 WARNING / 2 CRITICAL / 3 UNKNOWN (PLUGIN_CODES in ../lsb.ts).
// A stopped or dead service is CRITICAL; only a status that cannot be read is UNKNOWN,
// as are wrong arguments (the guidelines' rule for a check that cannot do its job).
import { PLUGIN_LABELS, type PluginOutcome } from '../lsb.js';
import { util } from './builtins.js';
import type { StatusReport } from './status-json.js';

export interface CheckLimits {
  warnRss?: number;
  critRss?: number;
  minUptime?: number;
}

export interface CheckResult {
  outcome: PluginOutcome;
  line: string;
}

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1024, KB: 1024, KIB: 1024, M: 1024 ** 2, MB: 1024 ** 2, MIB: 1024 ** 2, G: 1024 ** 3, GB: 1024 ** 3, GIB: 1024 ** 3 };

/** "200M", "1.5G", "4096" (bytes; K, M, G are powers of 1024). */
function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(text);
  const unit = match ? UNITS[match[2]!.toUpperCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Throws an Error whose message is the one line to show as UNKNOWN. */
export function parseCheckArgs(args: readonly string[]): CheckLimits {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = util.parseArgs({
      args: args as string[],
      options: { 'warn-rss': { type: 'string' }, 'crit-rss': { type: 'string' }, 'min-uptime': { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new Error((error as Error).message.split('\n')[0]);
  }
  const limits: CheckLimits = {};
  for (const [option, key] of [['warn-rss', 'warnRss'], ['crit-rss', 'critRss']] as const) {
    const given = values[option];
    if (typeof given !== 'string') continue;
    const bytes = parseSize(given);
    if (bytes === undefined) throw new Error(`invalid size \`${given}\` for --${option} (bytes, or a number with K, M or G)`);
    limits[key] = bytes;
  }
  const minUptime = values['min-uptime'];
  if (typeof minUptime === 'string') {
    if (!/^\d+$/.test(minUptime)) throw new Error(`invalid --min-uptime \`${minUptime}\` (whole seconds)`);
    limits.minUptime = Number(minUptime);
  }
  return limits;
}

/** "3h 2m", "45s", "2d 1h": the two largest units, for people. */
function humanDuration(seconds: number): string {
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const amount = Math.floor(seconds / size);
    if (amount > 0 || (unit === 's' && parts.length === 0)) parts.push(`${amount}${unit}`);
    seconds -= amount * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

function humanBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= size) return `${(bytes / size).toFixed(1)} ${unit}`;
  }
  return `${bytes} B`;
}

/** One perfdata item: 'label'=value[UOM];[warn];[crit];[min];[max]. */
function perf(labelText: string, value: number, uom: string, warn = '', crit = '', min = '0'): string {
  return `${labelText}=${value}${uom};${warn};${crit};${min};`;
}

/** Text on the plugin's line must not break it: no newline, no `|` (it starts the perfdata). */
function oneLine(text: string): string {
  return text.replace(/[\r\n|]+/g, ' ').trim();
}

export function checkService(report: StatusReport, limits: CheckLimits): CheckResult {
  const name = report.name;
  const line = (outcome: PluginOutcome, text: string, perfdata = ''): CheckResult => ({
    outcome,
    line: `${name} ${PLUGIN_LABELS[outcome]} - ${oneLine(text)}${perfdata ? ` | ${perfdata}` : ''}`,
  });
  switch (report.status.outcome) {
    case 'unknown': {
      const why = report.error ?? report.status.meaning;
      return line('unknown', why.startsWith(`${name}: `) ? why.slice(name.length + 2) : why);
    }
    case 'notRunning':
      return line('critical', 'not running');
    case 'deadWithPidfile':
      return line('critical', `dead, but pid file ${report.pidfile} exists`);
    case 'deadWithLockfile':
      return line('critical', 'dead, but its lock file exists');
    case 'running':
      break;
  }
  const uptime = report.uptimeSeconds ?? 0;
  const rss = report.rssBytes;
  const problems: { outcome: PluginOutcome; text: string }[] = [];
  if (rss !== null && limits.critRss !== undefined && rss > limits.critRss) {
    problems.push({ outcome: 'critical', text: `RSS ${humanBytes(rss)} > ${humanBytes(limits.critRss)}` });
  } else if (rss !== null && limits.warnRss !== undefined && rss > limits.warnRss) {
    problems.push({ outcome: 'warning', text: `RSS ${humanBytes(rss)} > ${humanBytes(limits.warnRss)}` });
  }
  if (limits.minUptime !== undefined && uptime < limits.minUptime) {
    problems.push({ outcome: 'warning', text: `up only ${humanDuration(uptime)} (< ${humanDuration(limits.minUptime)}): restarted recently?` });
  }
  const outcome: PluginOutcome = problems.some((p) => p.outcome === 'critical') ? 'critical' : problems.length ? 'warning' : 'ok';
  const perfdata = [
    // Range "S:" alerts below S (guidelines, threshold format): an uptime under the minimum warns.
    perf('uptime', uptime, 's', limits.minUptime === undefined ? '' : `${limits.minUptime}:`),
    ...(rss === null ? [] : [perf('rss', rss, 'B', limits.warnRss?.toString(), limits.critRss?.toString())]),
  ].join(' ');
  const text = [`running (pid ${report.pid}), up ${humanDuration(uptime)}`, ...problems.map((p) => p.text)].join(', ');
  return line(outcome, text, perfdata);
}
