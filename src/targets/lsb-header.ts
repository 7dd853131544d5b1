// LSB Core, "Comment Conventions for Init Scripts": the ### BEGIN INIT INFO block of
// the sysv target, and comment-safe text (which the openrc target uses too).

/** Text fit for one comment line: control characters and whitespace runs become one space. */
export function commentLine(text: string): string {
  return text.replace(/[\s\u0000-\u001f\u007f-\u009f]+/gu, ' ').trim();
}

/** Non-empty comment-safe lines: LSB forbids empty comment lines inside the block. */
export function commentLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/u).map(commentLine).filter((l) => l !== '');
}

const KEY_WIDTH = '# Short-Description: '.length;

/**
 * The header block. A value given as several lines continues on lines that start
 * with '#' and spaces, the continuation form LSB allows (for Description).
 */
export function lsbHeader(fields: ReadonlyArray<readonly [string, string | readonly string[]]>): string {
  const out = ['### BEGIN INIT INFO'];
  for (const [key, value] of fields) {
    const [first = '', ...rest] = typeof value === 'string' ? [value] : value;
    out.push(`# ${key}:`.padEnd(KEY_WIDTH) + first);
    for (const line of rest) out.push('#'.padEnd(KEY_WIDTH) + line);
  }
  out.push('### END INIT INFO');
  return out.map((l) => l.trimEnd()).join('\n');
}
