// init.hardKiller(ms) / init.softKiller(ms): node-init's stop strategies, accepted as
// the `killer` option so a program written for the npm `init` module runs unchanged.
// They are descriptions mapped onto our one stop sequence (docs/contract.md §4:
// SIGTERM, then SIGKILL after the stop timeout), not functions that signal by themselves.

const KILLER = Symbol.for('initgen.killer');

export interface Killer {
  readonly [KILLER]: true;
  /** node-init's name for it, for messages */
  readonly kind: 'hardKiller' | 'softKiller';
  /** node-init's delay between its signals (hard) or its polls (soft) */
  readonly delayMs: number;
}

const DEFAULT_DELAY_MS = 2000;

function killer(kind: Killer['kind'], delay: unknown): Killer {
  const delayMs = delay === undefined ? DEFAULT_DELAY_MS : delay;
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs <= 0) {
    throw new TypeError(`init.${kind}(): expected a delay in milliseconds greater than 0, got \`${String(delay)}\``);
  }
  return Object.freeze({ [KILLER]: true as const, kind, delayMs });
}

/** node-init: TERM, INT, QUIT `delay` ms apart, then KILL. Here: SIGKILL after 3 × delay. */
export function hardKiller(delay?: number): Killer {
  return killer('hardKiller', delay);
}

/** node-init: TERM, then wait. Here: SIGTERM, and SIGKILL only after `stopTimeout`. */
export function softKiller(delay?: number): Killer {
  return killer('softKiller', delay);
}

export function isKiller(value: unknown): value is Killer {
  return typeof value === 'object' && value !== null && (value as Killer)[KILLER] === true;
}

/** The stop timeout a killer stands for; undefined: keep `stopTimeout` (or its default). */
export function killerTimeoutMs(k: Killer): number | undefined {
  // node-init's hard killer sends KILL after three delays (TERM, INT, QUIT); our SIGINT
  // and SIGTERM handlers are the same and SIGQUIT would dump core, so only the time stays
  return k.kind === 'hardKiller' ? 3 * k.delayMs : undefined;
}
