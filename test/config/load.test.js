// contract §5: one config, from a JSON or YAML file or the `initgen` key of package.json.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../dist/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'initgen-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name, text) => writeFileSync(join(dir, name), text);

test('--config reads JSON, YAML and the package.json key', async () => {
  write('a.json', '{"name":"a"}');
  write('b.yml', 'name: b\nargs:\n  - "x y"\n');
  write('package.json', '{"name":"pkg","initgen":{"name":"c"}}');
  assert.deepEqual(await loadConfig('a.json', dir), { file: 'a.json', data: { name: 'a' } });
  assert.deepEqual(await loadConfig('b.yml', dir), { file: 'b.yml', data: { name: 'b', args: ['x y'] } });
  assert.deepEqual((await loadConfig('package.json', dir)).data, { name: 'c' });
});

test('discovery prefers initgen.json, then initgen.yaml, initgen.yml, package.json', async () => {
  const d = mkdtempSync(join(dir, 'd-'));
  writeFileSync(join(d, 'package.json'), '{"initgen":{"name":"p"}}');
  assert.equal((await loadConfig(undefined, d)).file, 'package.json');
  writeFileSync(join(d, 'initgen.yml'), 'name: yml');
  assert.equal((await loadConfig(undefined, d)).file, 'initgen.yml');
  writeFileSync(join(d, 'initgen.yaml'), 'name: yaml');
  assert.equal((await loadConfig(undefined, d)).file, 'initgen.yaml');
  writeFileSync(join(d, 'initgen.json'), '{"name":"json"}');
  assert.equal((await loadConfig(undefined, d)).file, 'initgen.json');
});

test('parse errors are one line naming the file and the line', async () => {
  write('bad.json', '{\n  "name": "a",\n  oops\n}');
  write('bad.yaml', 'name: a\nname: b\n');
  write('nokey.json', '{}');
  await assert.rejects(loadConfig('bad.json', dir), (err) => /^bad\.json:3:3: invalid JSON: \S/.test(err.problems.join('\n')));
  await assert.rejects(loadConfig('bad.yaml', dir), { problems: ['bad.yaml:2:1: invalid YAML: Map keys must be unique'] });
  await assert.rejects(loadConfig('missing.json', dir), { problems: ['missing.json: no such file'] });
  write('package.json', '{"name":"x"}');
  await assert.rejects(loadConfig('package.json', dir), { problems: ['package.json: no "initgen" key'] });
});
