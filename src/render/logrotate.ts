// logrotate reads a file list with popt's shell-like quoting, then expands each
// entry with glob(3); so glob characters are backslash-escaped inside single quotes.
// Braces end or open the block and a newline ends the entry: those cannot be written.
import { shQuote } from './sh.js';

export function logrotatePath(path: string): string | undefined {
  if (/[{}\n\r]/.test(path)) return undefined;
  return shQuote(path.replace(/[\\*?[\]]/g, '\\$&'));
}
