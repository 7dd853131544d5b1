// src/render/sh.ts on its own: a quoted word, read back by real POSIX shells, is the
// original string byte for byte (docs/contract.md §5: arguments reach the program unchanged).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { shQuote, shQuoteAll } from '../../../dist/render/sh.js';

/** The shells the generated scripts meet: Debian's sh (dash), busybox sh, bash in POSIX mode. */
const SHELLS = [
  ['dash', ['dash']],
  ['busybox sh', ['busybox', 'sh']],
  // --norc: bash reads ~/.bashrc even with -c when its stdin is a socket, as Node's pipes are
  ['bash --posix', ['bash', '--posix', '--norc', '--noprofile']],
];
const has = ([command, ...args]) => spawnSync(command, [...args, '-c', 'exit 0'], { stdio: 'ignore' }).status === 0;

/** What `SHELL -c 'printf "%s\0" WORDS'` prints, split at the NULs: the words as that shell read them. */
function readBack(shell, values) {
  const [command, ...args] = shell;
  const script = `printf '%s\\0' ${shQuoteAll(values)}`;
  const r = spawnSync(command, [...args, '-c', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, LC_ALL: 'C' },
  });
  assert.equal(r.status, 0, `${script}\n${r.stderr}`);
  const out = r.stdout.toString('utf8');
  return values.length === 0 ? [] : out.slice(0, -1).split('\0');
}

const HOSTILE = [
  '', ' ', '  two  spaces  ', "'", '"', '\\', "it's", "'\\''", "\\'", '`id`', '$(id)', '$HOME', '${x:-y}', '$1', '$@',
  '\n', 'a\nb', '\t', 'a\tb', '*', '?', '[a]', '~', '~root', '-n', '-e', '--', '!', '#', '# comment', ';', 'a; b', '|', '&',
  '&&', '<', '>', '>>/tmp/x', '(', ')', '{', '}', '=', 'a=b', 'IFS= ', '%s', '%', 'é', '日本語', '😀', '\x7f', '\x01', '\r',
];

for (const shell of SHELLS) {
  const missing = !has(shell[1]) && `needs ${shell[1][0]}`;

  test(`${shell[0]} reads every hostile word back unchanged, alone and all together`, { skip: missing }, () => {
    for (const value of HOSTILE) assert.deepEqual(readBack(shell[1], [value]), [value], JSON.stringify(value));
    assert.deepEqual(readBack(shell[1], HOSTILE), HOSTILE);
  });

  test(`${shell[0]} reads any string without NUL back unchanged (property)`, { skip: missing }, () => {
    const word = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0') && s.isWellFormed());
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), (values) => {
        assert.deepEqual(readBack(shell[1], values), values);
      }),
      { numRuns: 100 },
    );
  });
}

test('a word that needs no quoting stays as it is; anything else is single-quoted', () => {
  assert.equal(shQuote('/usr/bin/node'), '/usr/bin/node');
  assert.equal(shQuote('--max-old-space-size=4096'), '--max-old-space-size=4096');
  assert.equal(shQuote('user@host:1,2%+'), 'user@host:1,2%+');
  assert.equal(shQuote(''), "''");
  assert.equal(shQuote('a b'), "'a b'");
  assert.equal(shQuote("it's"), "'it'\\''s'");
  assert.equal(shQuote('~'), "'~'", 'a tilde would be expanded');
  assert.equal(shQuoteAll(['node', 'app.js', 'run', '--', 'a b']), "node app.js run -- 'a b'");
});
