// contract §5: values are escaped for their format. Stanza arguments are read
// back with a port of libnih's nih_config_token (test/helpers/formats.js);
// script-block words are evaluated by a real /bin/sh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { NL_VAR, nihQuotable, nihQuote, scriptWord } from '../../dist/render/upstart.js';
import { nihToken } from '../helpers/formats.js';

const HOSTILE = ['a b', "it's", 'say "hi"', '"', '""', '\\', '\\"', '$HOME', '`id`', 'a&b', '<x>', '#c', '100%', 'ünï ✓', '', 'tab\there', ' lead', 'trail ', '\\ x'];

test('stanza arguments round-trip through libnih tokenising', () => {
  for (const v of HOSTILE) assert.equal(nihToken(nihQuote(v)), v, JSON.stringify(v));
});

test('stanza arguments round-trip for any string without a line break (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }).filter(nihQuotable), (v) => {
      assert.equal(nihToken(nihQuote(v)), v);
    }),
  );
});

test('a line break cannot be a stanza argument (libnih turns it into a space)', () => {
  assert.equal(nihQuotable('a\nb'), false);
  assert.throws(() => nihQuote('a\nb'));
});

test('script words reach sh byte for byte, with no line break written literally', () => {
  const values = [...HOSTILE, 'l1\nl2', 'x\nend script\ny', '\\\nz', '${initgen_nl}'];
  const words = values.map(scriptWord);
  for (const w of words) assert.ok(!w.includes('\n'), w);
  const script = `${NL_VAR}='\n'\nprintf '%s\\0' ${words.join(' ')}`;
  const run = spawnSync('sh', ['-e', '-c', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.slice(0, -1).split('\0'), values);
});
