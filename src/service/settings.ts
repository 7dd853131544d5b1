// Settings a generated wrapper passes on the command line, as words right after the
// action: `node SCRIPT ACTION --initgen-KEY=VALUE ... [-- ARGS]` (docs/contract.md §6).
// They replace the INITGEN_* environment variables: what the caller's environment
// holds must never steer a service started as root, while argv is what the wrapper wrote.
import type { ResolvedOptions } from './options.js';

/** Setting key → the option it sets. Values arrive as text and are checked as the option. */
export const SETTINGS = {
  name: 'name',
  pidfile: 'pidfile',
  logfile: 'logfile',
  lockfile: 'lockfile',
  user: 'user',
  group: 'group',
  cwd: 'cwd',
  umask: 'umask',
  'stop-timeout': 'stopTimeout',
  'start-timeout': 'startTimeout',
  'settle-time': 'settleTime',
  'log-rotation': 'logRotation',
  'log-max-size': 'logMaxSize',
  'log-keep': 'logKeep',
} as const;
export type SettingKey = keyof typeof SETTINGS;

const SETTING_PREFIX = '--initgen-';
/** Repeatable: a name of an environment variable the service keeps when it switches user. */
const ENV_KEY = 'env';
/**
 * Marks the daemon `start` spawns. A word `start` writes, not an environment
 * variable, so nothing in the caller's environment can turn an action into a
 * foreground daemon; and honoured only with `run` and the readiness pipe on fd 3.
 */
export const DAEMON_WORD = '--initgen-daemon';

export interface Settings {
  /** option name → the value and the word it came from (messages name the word) */
  values: Map<string, { value: string; word: string }>;
  /** --initgen-env names, in order */
  env: string[];
  daemon: boolean;
}

export function noSettings(): Settings {
  return { values: new Map(), env: [], daemon: false };
}

/** `--initgen-KEY=VALUE` for a setting. */
function settingWord(key: SettingKey | typeof ENV_KEY, value: string): string {
  return `${SETTING_PREFIX}${key}=${value}`;
}

/**
 * Takes the setting words at the front of `words` (those right after the action);
 * the rest is the action's own. An unknown key, a word without `=VALUE` or a key
 * given twice is a usage error (2): a later word must not override the wrapper's.
 */
export function takeSettings(words: readonly string[]): { settings: Settings; rest: string[] } | { usage: string } {
  const settings = noSettings();
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith(SETTING_PREFIX)) break;
    if (word === DAEMON_WORD) {
      settings.daemon = true;
      continue;
    }
    const eq = word.indexOf('=');
    const key = word.slice(SETTING_PREFIX.length, eq < 0 ? undefined : eq);
    if (key === ENV_KEY || key in SETTINGS) {
      if (eq < 0) return { usage: `setting \`${word}\` needs a value (${SETTING_PREFIX}${key}=VALUE)` };
      const value = word.slice(eq + 1);
      if (key === ENV_KEY) {
        settings.env.push(value);
        continue;
      }
      const option = SETTINGS[key as SettingKey];
      if (settings.values.has(option)) return { usage: `setting \`${SETTING_PREFIX}${key}\` given twice` };
      settings.values.set(option, { value, word: `${SETTING_PREFIX}${key}` });
      continue;
    }
    return { usage: `unknown setting \`${eq < 0 ? word : word.slice(0, eq)}\`` };
  }
  return { settings, rest: words.slice(i) };
}

/**
 * The words `start` gives the daemon it spawns: every setting as the controller
 * resolved it, so the daemon agrees with its controller by construction even when
 * its environment is not the controller's (after a switch to `user`).
 */
export function daemonWords(o: ResolvedOptions, settings: Settings): string[] {
  const words = [
    settingWord('name', o.name),
    settingWord('pidfile', o.pidfile),
    settingWord('logfile', o.logfile),
    ...(o.lockfile !== undefined ? [settingWord('lockfile', o.lockfile)] : []),
    ...(o.user !== undefined ? [settingWord('user', o.user)] : []),
    ...(o.group !== undefined ? [settingWord('group', o.group)] : []),
    ...(o.cwd !== undefined ? [settingWord('cwd', o.cwd)] : []),
    ...(o.umask !== undefined ? [settingWord('umask', o.umask.toString(8).padStart(3, '0'))] : []),
    settingWord('stop-timeout', String(o.stopTimeoutMs / 1000)),
    settingWord('start-timeout', String(o.startTimeoutMs / 1000)),
    ...o.keepEnv.map((n) => settingWord(ENV_KEY, n)),
  ];
  // settings this module does not resolve itself pass through as given
  const covered = new Set(words.map((w) => w.slice(0, w.indexOf('='))));
  for (const { value, word } of settings.values.values()) {
    if (!covered.has(word)) words.push(`${word}=${value}`);
  }
  return words;
}
