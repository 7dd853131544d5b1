// issue 13: one parser for the text of a config file (src/config/parse-text.ts), used by
// initgen's own config (its errors quote the parser) and by a program's config files
// (its errors name the place and never quote the text, which may hold secrets).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'yaml';
import { parseJson, parseYaml } from '../../dist/config/parse-text.js';
import { loadConfig } from '../../dist/service/config-files.js';

test('issue 13: JSON and YAML errors say where, 1-based', () => {
  assert.deepEqual(parseJson('{"a": 1}'), { ok: true, value: { a: 1 } });
  const json = parseJson('{\n  "a": 1,\n  oops\n}');
  assert.equal(json.ok, false);
  assert.deepEqual([json.error.format, json.error.line, json.error.col], ['JSON', 3, 3]);
  assert.doesNotMatch(json.error.message, /position/);
  const dup = parseYaml('a: 1\na: 2\n', yaml);
  assert.deepEqual({ ...dup.error }, { format: 'YAML', message: 'Map keys must be unique', code: 'DUPLICATE_KEY', line: 2, col: 1 });
});

test('issue 13: a program\'s broken config file is named with its line and column, its text never quoted', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-parse-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cases = [
    ['config.yaml', 'password: hunter2\npassword: hunter3\n', 'is not valid YAML (line 2, column 1): DUPLICATE_KEY'],
    ['config.json', '{"password": "hunter2",\n hunter3}', 'is not valid JSON (line 2, column 2)'],
  ];
  for (const [name, text, why] of cases) {
    const file = join(dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    assert.throws(
      () => loadConfig({ name: 'app', option: { files: [file] }, args: [] }),
      (err) => {
        assert.equal(err.message, `config file ${file}: ${why}`);
        assert.doesNotMatch(err.message, /hunter/);
        return true;
      },
    );
  }
});
