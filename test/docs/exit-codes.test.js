// contract §1: the exit-code tables users read are the ones the code uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ACTION_CODES, STATUS_CODES } from '../../dist/lsb.js';
import { DOC, extractCodeTables, renderCodeTables } from './exit-codes.js';

test('docs/exit-codes.md holds exactly the tables rendered from src/lsb.ts (regenerate: node test/docs/exit-codes.js --write)', () => {
  const block = extractCodeTables(readFileSync(DOC, 'utf8'));
  assert.notEqual(block, undefined, 'exactly one <!-- codes:begin --> ... <!-- codes:end --> block');
  assert.equal(block, renderCodeTables());
});

test('the rendering names every code of both tables once', () => {
  const rendered = renderCodeTables();
  for (const [name, code] of [...Object.entries(STATUS_CODES), ...Object.entries(ACTION_CODES)]) {
    assert.match(rendered, new RegExp(`^\\| ${code} \\| \`${name}\` \\|`, 'm'));
  }
});
