// POSIX sh quoting. Single quotes preserve every byte except the single quote
// itself, which is closed, backslash-escaped and reopened (POSIX XCU 2.2.2-2.2.3).
export function shQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function shQuoteAll(values: readonly string[]): string {
  return values.map(shQuote).join(' ');
}
