// contract §5: values are escaped for their format and reach the program byte
// for byte. Checked against a reader written from systemd.syntax(7) and
// systemd.service(5) (test/helpers/formats.js); the target tests confirm it
// with systemd's own parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  systemdDescription,
  systemdEnvAssignment,
  systemdExecArg,
  systemdPlainValue,
} from '../../dist/render/systemd.js';
import { systemdExecArgv, systemdSpecifiers, systemdWords } from '../helpers/formats.js';

const HOSTILE = ['a b', "it's", 'say "hi"', '$HOME', '${PATH}', '`id`', 'back\\slash', 'l1\nl2', 'tab\t', 'a&b', '<x>', ';', '\\;', '100% %n %%', 'ünï ✓', '', '-x', '\x01\x7f', '#c'];

test('exec arguments round-trip through systemd command-line parsing', () => {
  for (const arg of HOSTILE) assert.deepEqual(systemdExecArgv(systemdExecArg(arg)), [arg], JSON.stringify(arg));
  const line = HOSTILE.map(systemdExecArg).join(' ');
  assert.deepEqual(systemdExecArgv(line), HOSTILE);
});

test('exec arguments round-trip for any string without NUL (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0'))), (args) => {
      assert.deepEqual(systemdExecArgv(args.map(systemdExecArg).join(' ')), args);
    }),
  );
});

test('a lone ";" is quoted so that systemd does not read a command separator', () => {
  assert.equal(systemdExecArg(';'), '";"');
});

test('Environment= doubles % but leaves $ alone (no variable expansion there)', () => {
  const text = systemdEnvAssignment('K', '100% $HOME "q" \\ \nx');
  assert.equal(text, '"K=100%% $HOME \\"q\\" \\\\ \\nx"');
  assert.deepEqual(systemdWords(text).map(systemdSpecifiers), ['K=100% $HOME "q" \\ \nx']);
});

test('plain values: % doubled; unwritable values are refused', () => {
  assert.equal(systemdPlainValue('/srv/a b/100%'), '/srv/a b/100%%');
  for (const bad of ['/a\nb', '/a ', 'x\\', '']) assert.equal(systemdPlainValue(bad), undefined, JSON.stringify(bad));
});

test('Description= is one line', () => {
  assert.equal(systemdDescription('a\nb 100%\\'), 'a b 100%%');
});
