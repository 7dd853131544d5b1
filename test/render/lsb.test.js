// contract §5: the LSB header block (LSB Core, "Comment Conventions for Init
// Scripts") and the dependency words of the SysV and OpenRC targets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abstractDependency } from '../../dist/config/schema.js';
import { commentLine, commentLines, lsbHeader } from '../../dist/targets/lsb-header.js';
import { DEPENDENCIES } from '../../dist/targets/openrc.js';
import { FACILITIES } from '../../dist/targets/sysv.js';

// the targets' own lookups (not exported): abstract names through their table, others as they are
const lsbFacility = (d) => (abstractDependency(d) ? FACILITIES[d] : d);
const openrcDependency = (d) => (abstractDependency(d) ? DEPENDENCIES[d] : { word: 'need', service: d });

test('abstract dependencies map to LSB facilities; other names stay script names', () => {
  assert.deepEqual(
    ['network', 'remote-fs', 'local-fs', 'syslog', 'time', 'postgresql', 'constructor'].map(lsbFacility),
    ['$network', '$remote_fs', '$local_fs', '$syslog', '$time', 'postgresql', 'constructor'],
  );
});

test('OpenRC: hard needs for filesystems and network, soft use for logger and clock', () => {
  assert.deepEqual(openrcDependency('network'), { word: 'need', service: 'net' });
  assert.deepEqual(openrcDependency('remote-fs'), { word: 'need', service: 'netmount' });
  assert.deepEqual(openrcDependency('local-fs'), { word: 'need', service: 'localmount' });
  assert.deepEqual(openrcDependency('syslog'), { word: 'use', service: 'logger' });
  assert.deepEqual(openrcDependency('time'), { word: 'use', service: 'ntp-client' });
  assert.deepEqual(openrcDependency('toString'), { word: 'need', service: 'toString' });
});

test('comment text cannot break out of its comment line', () => {
  assert.equal(commentLine('a\nb\r\tc\u0000d  e\u2028f '), 'a b c d e f');
  assert.deepEqual(commentLines('one\n\n  two \r\nthree\u2028### END INIT INFO\n'), ['one', 'two', 'three', '### END INIT INFO']);
});

test('header: aligned keywords, "#" + spaces continuation lines, no trailing blanks', () => {
  const text = lsbHeader([
    ['Provides', 'hello'],
    ['Should-Start', ''],
    ['Description', ['first', 'second']],
  ]);
  assert.equal(
    text,
    [
      '### BEGIN INIT INFO',
      '# Provides:          hello',
      '# Should-Start:',
      '# Description:       first',
      '#                    second',
      '### END INIT INFO',
    ].join('\n'),
  );
});
