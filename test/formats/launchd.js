// launchd job definitions (launchd.plist(5)): XML property lists. No launchd on
// Linux: the real readers here are xmllint against Apple's plist DTD, libplist's
// plistutil (it must convert the file to a binary plist) and python3's plistlib,
// which must read the XML and libplist's binary output to the same value. The
// keys and their types are checked from launchd.plist(5): launchd ignores an
// unknown key silently, so here it is an error.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Report, dtdValid, run, scratch } from './lib.js';

export const description = 'launchd property list';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['xmllint', 'plistutil', 'python3'];
export const runTools = [];
export const usage = 'FILE';
export const picks = (path) => path.endsWith('.plist');

const DTD_IDS = [
  ['public', '-//Apple//DTD PLIST 1.0//EN'],
  ['public', '-//Apple Computer//DTD PLIST 1.0//EN'],
  ['system', 'http://www.apple.com/DTDs/PropertyList-1.0.dtd'],
  ['system', 'https://www.apple.com/DTDs/PropertyList-1.0.dtd'],
];

// Shapes: 'string' 'integer' 'boolean' 'real' 'array' 'dict', a list for one of
// several, { of: shape } for an array or dict of values, { keys: {...} } for a dict
const limits = { keys: Object.fromEntries(['Core', 'CPU', 'Data', 'FileSize', 'MemoryLock', 'NumberOfFiles', 'NumberOfProcesses', 'ResidentSetSize', 'Stack'].map((k) => [k, 'integer'])) };
const calendar = { keys: { Minute: 'integer', Hour: 'integer', Day: 'integer', Weekday: 'integer', Month: 'integer' } };
const KEYS = {
  Label: 'string',
  Disabled: 'boolean',
  UserName: 'string',
  GroupName: 'string',
  inetdCompatibility: { keys: { Wait: 'boolean' } },
  LimitLoadToHosts: { of: 'string' },
  LimitLoadFromHosts: { of: 'string' },
  LimitLoadToSessionType: ['string', { of: 'string' }],
  LimitLoadToHardware: 'dict',
  LimitLoadFromHardware: 'dict',
  Program: 'string',
  ProgramArguments: { of: 'string' },
  EnableGlobbing: 'boolean',
  EnableTransactions: 'boolean',
  EnablePressuredExit: 'boolean',
  OnDemand: 'boolean',
  KeepAlive: ['boolean', {
    keys: {
      SuccessfulExit: 'boolean', NetworkState: 'boolean', PathState: { of: 'boolean', dict: true },
      OtherJobEnabled: { of: 'boolean', dict: true }, Crashed: 'boolean', AfterInitialDemand: ['boolean', 'dict'],
    },
  }],
  RunAtLoad: 'boolean',
  RootDirectory: 'string',
  WorkingDirectory: 'string',
  EnvironmentVariables: { of: 'string', dict: true },
  Umask: ['integer', 'string'],
  TimeOut: 'integer',
  ExitTimeOut: 'integer',
  ThrottleInterval: 'integer',
  InitGroups: 'boolean',
  WatchPaths: { of: 'string' },
  QueueDirectories: { of: 'string' },
  StartOnMount: 'boolean',
  StartInterval: 'integer',
  StartCalendarInterval: [calendar, { of: calendar }],
  StandardInPath: 'string',
  StandardOutPath: 'string',
  StandardErrorPath: 'string',
  Debug: 'boolean',
  WaitForDebugger: 'boolean',
  SoftResourceLimits: limits,
  HardResourceLimits: limits,
  Nice: 'integer',
  ProcessType: 'string',
  AbandonProcessGroup: 'boolean',
  LowPriorityIO: 'boolean',
  LowPriorityBackgroundIO: 'boolean',
  MaterializeDatalessFiles: 'boolean',
  LaunchOnlyOnce: 'boolean',
  MachServices: 'dict',
  Sockets: 'dict',
  LaunchEvents: 'dict',
  SessionCreate: 'boolean',
  AssociatedBundleIdentifiers: ['string', { of: 'string' }],
  HopefullyExitsFirst: 'boolean',
  HopefullyExitsLast: 'boolean',
};
const DEPRECATED = new Set(['OnDemand', 'HopefullyExitsFirst', 'HopefullyExitsLast']);
const PROCESS_TYPES = ['Background', 'Standard', 'Adaptive', 'Interactive'];

function kind(v) {
  if (Array.isArray(v)) return 'array';
  if (v && typeof v === 'object') return v.$type ?? 'dict';
  if (typeof v === 'boolean') return 'boolean';
  return typeof v;
}

/** Does value v have shape s? Returns a reason when it does not. */
function shape(v, s, at) {
  if (Array.isArray(s)) {
    const reasons = s.map((one) => shape(v, one, at));
    return reasons.includes(undefined) ? undefined : reasons[0];
  }
  if (typeof s === 'string') return kind(v) === s ? undefined : `${at} is ${kind(v)}, launchd.plist(5) wants ${s}`;
  if (s.of) {
    const container = s.dict ? 'dict' : 'array';
    if (kind(v) !== container) return `${at} is ${kind(v)}, launchd.plist(5) wants ${container}`;
    for (const [k, item] of Object.entries(v)) {
      const why = shape(item, s.of, `${at}.${k}`);
      if (why) return why;
    }
    return undefined;
  }
  if (kind(v) !== 'dict') return `${at} is ${kind(v)}, launchd.plist(5) wants dict`;
  for (const [k, item] of Object.entries(v)) {
    if (!(k in s.keys)) return `${at}: unknown key ${k}`;
    const why = shape(item, s.keys[k], `${at}.${k}`);
    if (why) return why;
  }
  return undefined;
}

// plistlib's value as JSON: integers and reals kept apart, data and dates tagged
const READ = `
import json, plistlib, sys, datetime
def conv(v):
    if isinstance(v, bool): return v
    if isinstance(v, int): return {'$type': 'integer', 'value': str(v)}
    if isinstance(v, float): return {'$type': 'real', 'value': repr(v)}
    if isinstance(v, bytes): return {'$type': 'data', 'value': v.hex()}
    if isinstance(v, datetime.datetime): return {'$type': 'date', 'value': v.isoformat()}
    if isinstance(v, list): return [conv(x) for x in v]
    if isinstance(v, dict): return {k: conv(x) for k, x in v.items()}
    return v
out = []
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        out.append(conv(plistlib.load(f)))
sys.stdout.write(json.dumps(out))
`;

export async function check(file) {
  const r = new Report(file);
  if (!existsSync(file)) return r.fail('no such file'), r;
  if (!r.need(...tools)) return r;
  if (!file.endsWith('.plist')) r.fail('a launchd job file is named LABEL.plist');
  const text = readFileSync(file, 'utf8');
  if (!text.includes('<!DOCTYPE plist')) r.warn('no <!DOCTYPE plist ...> line');
  dtdValid(r, file, 'PropertyList-1.0.dtd', DTD_IDS);

  const work = scratch('launchd');
  try {
    // plistutil exits 0 even when it cannot parse: it is judged by what it writes
    const bin = join(work.dir, 'converted.bplist');
    const p = run('plistutil', ['-i', file, '-o', bin, '-f', 'bin']);
    const converted = existsSync(bin) && readFileSync(bin).subarray(0, 8).toString('latin1') === 'bplist00';
    if (converted) r.ok('libplist (plistutil) converts it to a binary plist');
    else r.fail('libplist (plistutil) cannot read it', p.out);
    const py = run('python3', ['-c', READ, file, ...(converted ? [bin] : [])]);
    if (py.status !== 0) return r.fail('python3 plistlib cannot read it', py.out), r;
    const [plist, again] = JSON.parse(py.stdout);
    if (converted && JSON.stringify(plist) !== JSON.stringify(again)) r.fail('plistlib reads the XML and libplist\'s binary plist to different values');
    keys(r, plist, basename(file));
  } finally {
    work.remove();
  }
  return r;
}

function keys(r, plist, name) {
  if (kind(plist) !== 'dict') return r.fail(`the top level is ${kind(plist)}, launchd.plist(5) wants a dict`);
  const before = r.failures.length;
  for (const [k, v] of Object.entries(plist)) {
    if (!(k in KEYS)) {
      r.fail(`unknown key ${k} (launchd ignores it silently)`);
      continue;
    }
    if (DEPRECATED.has(k)) r.warn(`${k} is deprecated`);
    const why = shape(v, KEYS[k], k);
    if (why) r.fail(why);
  }
  if (typeof plist.Label !== 'string' || plist.Label === '') r.fail('no Label (required)');
  else if (name !== `${plist.Label}.plist`) r.warn(`file name ${name} is not ${plist.Label}.plist`);
  if (plist.Program === undefined && plist.ProgramArguments === undefined) r.fail('neither Program nor ProgramArguments (one is required)');
  if (Array.isArray(plist.ProgramArguments) && plist.ProgramArguments.length === 0) r.fail('ProgramArguments is empty');
  if (typeof plist.ProcessType === 'string' && !PROCESS_TYPES.includes(plist.ProcessType)) r.fail(`ProcessType ${plist.ProcessType} is not one of ${PROCESS_TYPES.join(', ')}`);
  for (const k of ['ExitTimeOut', 'ThrottleInterval', 'TimeOut', 'StartInterval']) {
    if (plist[k]?.$type === 'integer' && BigInt(plist[k].value) < 0n) r.fail(`${k} is negative`);
  }
  if (plist.Nice?.$type === 'integer' && (Number(plist.Nice.value) < -20 || Number(plist.Nice.value) > 20)) r.fail('Nice is outside -20..20');
  if (plist.Umask?.$type === 'integer' && (Number(plist.Umask.value) < 0 || Number(plist.Umask.value) > 0o777)) r.fail('Umask is outside 0..0777');
  if (r.failures.length === before) r.ok('keys and value types match launchd.plist(5); plistlib and libplist agree');
}
