// systemd unit-file quoting (systemd.syntax(7), systemd.service(5) "Command lines").
// A value is read as: one logical line (a trailing "\" continues it), then split
// into words with quotes and C escapes removed, then `%` specifiers resolved, and
// for Exec*= lines only, `$VAR` expanded when the command runs. So we C-escape
// inside double quotes and double `%` (and `$` on command lines); `%%` cannot be
// written as an escape because specifiers are resolved after unescaping.

const SAFE_WORD = /^[A-Za-z0-9_@+=:,./-]+$/;

function cEscape(value: string): string {
  return value.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    switch (c) {
      case '\\': return '\\\\';
      case '"': return '\\"';
      case '\n': return '\\n';
      case '\t': return '\\t';
      case '\r': return '\\r';
      default: return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

function quoteWord(value: string): string {
  return SAFE_WORD.test(value) ? value : `"${cEscape(value)}"`;
}

/** One argv element of an Exec*= line. */
export function systemdExecArg(value: string): string {
  if (value.includes('\0')) throw new Error('a command-line argument cannot contain a NUL byte');
  return quoteWord(value.replace(/%/g, '%%').replace(/\$/g, '$$$$'));
}

/** `Environment=` assignment: no `$` expansion there, only specifiers. */
export function systemdEnvAssignment(key: string, value: string): string {
  if (value.includes('\0')) throw new Error(`env ${key}: a value cannot contain a NUL byte`);
  return `"${cEscape(`${key}=${value}`.replace(/%/g, '%%'))}"`;
}

/**
 * A setting that takes the rest of the line verbatim (paths, user names): only
 * specifiers apply; line breaks, control characters and edge whitespace or a
 * trailing backslash cannot be written, so undefined is returned for those.
 */
export function systemdPlainValue(value: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(value) || /^\s|\s$|\\$/.test(value) || value === '') return undefined;
  return value.replace(/%/g, '%%');
}

/** Description=: one line of text, so control characters become spaces. */
export function systemdDescription(value: string): string {
  const line = value.replace(/[\x00-\x1f\x7f]+/g, ' ').replace(/[\s\\]+$/, '').trim();
  return line.replace(/%/g, '%%');
}
