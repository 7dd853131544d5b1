// Renders the exit-code tables of docs/exit-codes.md from the one table in
// src/lsb.ts, so the page cannot drift from the code. `node test/docs/exit-codes.js`
// prints the block; with `--write` it replaces the block in docs/exit-codes.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTION_CODES, ACTION_MEANINGS, STATUS_CODES, STATUS_MEANINGS } from '../../dist/lsb.js';

export const BEGIN = '<!-- codes:begin -->';
export const END = '<!-- codes:end -->';
export const DOC = fileURLToPath(new URL('../../docs/exit-codes.md', import.meta.url));

function table(codes, meanings) {
  const rows = Object.entries(codes)
    .sort(([, a], [, b]) => a - b)
    .map(([name, code]) => `| ${code} | \`${name}\` | ${meanings[name]} |`);
  return ['| code | outcome | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** The text between the markers, markers excluded. */
export function renderCodeTables() {
  return [
    '',
    '### Codes of `status`',
    '',
    table(STATUS_CODES, STATUS_MEANINGS),
    '',
    '### Codes of every other action',
    '',
    table(ACTION_CODES, ACTION_MEANINGS),
    '',
  ].join('\n');
}

/** The text between the markers of a page, or undefined when they are missing or repeated. */
export function extractCodeTables(page) {
  const [before, ...after] = page.split(BEGIN);
  if (before === undefined || after.length !== 1) return undefined;
  const parts = after[0].split(END);
  return parts.length === 2 ? parts[0] : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--write') {
    const page = readFileSync(DOC, 'utf8');
    const start = page.indexOf(BEGIN) + BEGIN.length;
    const end = page.indexOf(END);
    if (start < BEGIN.length || end < start) throw new Error(`${DOC}: markers ${BEGIN} / ${END} not found`);
    writeFileSync(DOC, page.slice(0, start) + renderCodeTables() + page.slice(end));
  } else {
    process.stdout.write(`${BEGIN}${renderCodeTables()}${END}\n`);
  }
}
