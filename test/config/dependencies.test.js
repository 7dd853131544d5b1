// issue 13: the abstract dependency names have one home (DEPENDENCY_NAMES, looked up
// through abstractDependency()); every other name is another service's. "constructor"
// and "toString" are valid service names that a plain `map[dep]` finds on Object's
// prototype: systemd dropped them, upstart wrote "function Object() { [native code] }"
// into its `start on`, and SMF failed with a stack trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abstractDependency, DEPENDENCY_NAMES } from '../../dist/config/schema.js';
import { configProblems } from '../../dist/config/validate.js';
import { normalize } from '../../dist/config/normalize.js';
import { generate } from '../../dist/generate.js';

const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty'];
const WANTED = {
  systemd: (n) => [`After=${n}.service`, `Wants=${n}.service`],
  upstart: (n) => [`started ${n}`, `stopping ${n}`],
  smf: (n) => [`svc:/site/${n}"`],
  openrc: (n) => [` ${n}`],
  sysv: (n) => [` ${n}`],
};

test('issue 13: only the abstract names are abstract', () => {
  for (const name of DEPENDENCY_NAMES) assert.equal(abstractDependency(name), name);
  for (const name of [...NAMES, 'networks', '']) assert.equal(abstractDependency(name), undefined, name);
});

test('issue 13: a dependency named like an Object property is another service, in every target', async () => {
  const raw = { name: 'app', script: '/opt/app.js', dependencies: NAMES.filter((n) => n !== '__proto__') };
  assert.deepEqual(await configProblems(raw), []);
  const config = normalize(raw, '/usr/bin/node');
  for (const [target, wanted] of Object.entries(WANTED)) {
    const text = (await generate(config, target, () => {})).map((f) => f.content).join('\n');
    assert.doesNotMatch(text, /native code|undefined/, target);
    for (const name of raw.dependencies) {
      for (const line of wanted(name)) assert.ok(text.includes(line), `${target}: no ${JSON.stringify(line)}`);
    }
  }
});
