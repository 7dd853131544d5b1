// Quoting for upstart job files, as libnih's config parser reads them
// (nih/config.c, nih_config_token with dequote). Inside '...' or "..." every
// byte is literal except: a backslash escapes only another backslash or a
// blank (any other "\x" stays two bytes), and a line break becomes one space
// together with the blanks around it. So a value with a line break cannot be
// written as a stanza argument; callers check `nihQuotable` first.
// A job's `script` block, in contrast, reaches /bin/sh byte for byte.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function nihQuotable(value: string): boolean {
  return !/[\n\0]/.test(value);
}

/** One stanza argument (env KEY=VALUE, description, chdir ...). */
export function nihQuote(value: string): string {
  if (!nihQuotable(value)) throw new Error('a line break cannot be written in an upstart stanza argument');
  if (SAFE.test(value)) return value;
  // double quotes hold everything but `"` and `\`; a `"` goes in single quotes
  const parts = value.split('"').map((p) => `"${p.replace(/\\/g, '\\\\')}"`);
  return parts.join(`'"'`).replace(/^""(?=.)/, '').replace(/(?<=.)""$/, '');
}

/** Name of the script-block variable that holds a line break (see scriptWord). */
export const NL_VAR = 'initgen_nl';

/**
 * A shell word for a line of a `script` block, in double quotes (with `\`, `$`,
 * backquote and `"` escaped) because shellcheck accepts every value written
 * so. A line break is written as `${initgen_nl}`, never literally: libnih ends
 * the block at any line that reads `end script`, and strips the indentation
 * common to all lines, which a value's own lines could otherwise trigger.
 */
export function scriptWord(value: string): string {
  if (SAFE.test(value)) return value;
  const body = value.replace(/[\\$`"]/g, (c) => `\\${c}`).replace(/\n/g, `\${${NL_VAR}}`);
  return `"${body}"`;
}
