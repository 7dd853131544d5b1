// contract §5: generate() renders in memory and routes a target's warnings to stderr lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalize } from '../dist/config/normalize.js';
import { generate, warnNodePath } from '../dist/generate.js';

const config = (extra) => normalize({ name: 'hello', script: '/opt/hello/app.js', ...extra }, '/usr/bin/node');

test('warnings name the target and the field', async () => {
  const warnings = [];
  // issue 12: a custom stop runlevel was dropped in silence; the field table's unsupported entry now speaks
  await generate(config({ runlevels: { stop: ['0', '6'] } }), 'systemd', (m) => warnings.push(m));
  assert.deepEqual(warnings, ['initgen: systemd: field `runlevels`: cannot be expressed: always WantedBy=multi-user.target (runlevels 2-4)']);
});

test('a node inside a version manager directory is flagged: it may not exist at boot', () => {
  const flagged = [
    '/home/me/.nvm/versions/node/v20.1.0/bin/node',
    '/Users/me/.volta/tools/image/node/20.1.0/bin/node',
    '/home/me/.asdf/installs/nodejs/20.1.0/bin/node',
    '/home/me/.fnm/node-versions/v20.1.0/installation/bin/node',
    '/home/me/.nodenv/versions/20.1.0/bin/node',
    '/usr/local/n/versions/node/20.1.0/bin/node',
  ];
  for (const node of flagged) {
    const warnings = [];
    warnNodePath(config({ node }), (m) => warnings.push(m));
    assert.equal(warnings.length, 1, node);
    assert.match(warnings[0], /^initgen: field `node`: /);
  }
  for (const node of ['/usr/bin/node', '/usr/local/bin/node', '/opt/node/bin/node']) {
    const warnings = [];
    warnNodePath(config({ node }), (m) => warnings.push(m));
    assert.deepEqual(warnings, [], node);
  }
});
