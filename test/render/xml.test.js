// contract §5: values are escaped for their format. Read back by python3's
// expat parser, attribute values keep tabs and line breaks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { isXmlSafe, nonXmlChar, xmlAttr, xmlComment, xmlText } from '../../dist/render/xml.js';

const VALUES = ['a & b', '<tag>', '"dq"', "'sq'", 'l1\nl2', 'tab\t', 'cr\r', 'ünï ✓ 日本', ']]>', '--', '$HOME `id`'];
const py = (code, input) => spawnSync('python3', ['-c', code], { input, encoding: 'utf8' });
const hasPython = !py('pass').error;

test('attribute and text values round-trip through an XML parser', { skip: !hasPython && 'needs python3 (Debian package python3)' }, () => {
  const doc = `<r>${VALUES.map((v) => `<e a="${xmlAttr(v)}">${xmlText(v)}</e>`).join('')}<!-- ${xmlComment('a--b-')} --></r>`;
  const run = py(
    'import sys, json, xml.etree.ElementTree as ET\n' +
      'r = ET.fromstring(sys.stdin.read())\n' +
      'print(json.dumps([[e.get("a"), e.text] for e in r]))',
    doc,
  );
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), VALUES.map((v) => [v, v]));
});

test('characters XML 1.0 cannot carry are refused, not dropped', () => {
  for (const bad of ['\x01', '\x0b', '\ud800', '\uffff']) {
    assert.equal(isXmlSafe(bad), false);
    assert.throws(() => xmlAttr(bad), /cannot be written in XML/);
  }
  assert.equal(isXmlSafe('😀'), true);
});

test('issue 13: one xmlComment: no "--", no "-" at the end, one line, and what XML cannot carry is refused', () => {
  assert.equal(xmlComment('a--b-'), 'a- -b- ');
  assert.equal(xmlComment('---'), '- - - ');
  // a line break or tab folds into one space (launchd's marker line); "-\n-" must not become "--"
  assert.equal(xmlComment('one\n\ttwo\x7f'), 'one two ');
  assert.equal(xmlComment('a-\n-b'), 'a- -b');
  assert.throws(() => xmlComment('\uffff'), /U\+FFFF cannot be written in XML 1\.0/);
  assert.equal(nonXmlChar('ok \ud83d\ude00'), undefined);
  assert.equal(nonXmlChar('a\x01'), 'U+0001');
});
