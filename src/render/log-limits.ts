// The log fields' limits (issue 15), logMaxSize and logKeep, in the words of the
// supervisors' loggers: multilog's s/n actions and svlogd's config s/n lines. Each
// target declares what it does with the log fields in its field table; generate()
// warns about the ones it marks unsupported.
import type { NormalizedConfig } from '../config/types.js';
import type { RenderContext } from '../targets/types.js';

// multilog(8): "s: size must be between 4096 and 16777215"; "n: num must be at least 2".
const MULTILOG_MIN_SIZE = 4096;
const MULTILOG_MAX_SIZE = 16777215;
const MULTILOG_MIN_KEEP = 2;

/** multilog's actions before the directory: `s` and `n` when given, clamped to what multilog accepts. */
export function multilogLimits(config: NormalizedConfig, ctx: RenderContext): string[] {
  const words: string[] = [];
  if (config.logMaxSize !== undefined) {
    let size = config.logMaxSize;
    if (size === 0 || size > MULTILOG_MAX_SIZE) {
      size = MULTILOG_MAX_SIZE;
      ctx.warn('logMaxSize', `multilog rotates at most every ${MULTILOG_MAX_SIZE} bytes and cannot turn rotation off; using s${size}`);
    } else if (size < MULTILOG_MIN_SIZE) {
      size = MULTILOG_MIN_SIZE;
      ctx.warn('logMaxSize', `multilog's smallest size is ${MULTILOG_MIN_SIZE} bytes; using s${size}`);
    }
    words.push(`s${size}`);
  }
  if (config.logKeep !== undefined) {
    let keep = config.logKeep;
    if (keep < MULTILOG_MIN_KEEP) {
      keep = MULTILOG_MIN_KEEP;
      ctx.warn('logKeep', `multilog keeps at least ${MULTILOG_MIN_KEEP} old files; using n${keep}`);
    }
    words.push(`n${keep}`);
  }
  return words;
}

/**
 * svlogd(8)'s config file lines (`sSIZE`, `nNUM`), or '' when neither is given. svlogd's
 * n0 means "never remove", not "keep none": logKeep 0 becomes n1, with a warning.
 */
export function svlogdConfig(config: NormalizedConfig, ctx: RenderContext): string {
  const lines: string[] = [];
  if (config.logMaxSize !== undefined) lines.push(`s${config.logMaxSize}`);
  if (config.logKeep !== undefined) {
    if (config.logKeep === 0) ctx.warn('logKeep', 'svlogd reads n0 as "never remove old files"; using n1');
    lines.push(`n${Math.max(1, config.logKeep)}`);
  }
  return lines.join('\n');
}
