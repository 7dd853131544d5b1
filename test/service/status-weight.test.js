// `status` is what monitoring runs every few seconds, and what the SysV script's
// status mirrors (contract §1): it must not pay for the generator's or `logs`'
// dependencies. Every module the program resolves is recorded by a loader hook.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sandboxes } from '../helpers/daemons.js';
import { FIXTURE, runAction } from '../helpers/service.js';

const TRACER = fileURLToPath(new URL('../fixtures/trace-imports.js', import.meta.url));
const HEAVY = ['yargs', 'ajv', 'mustache', 'yaml', 'tail', 'daemonize2', 'plist'];
const sandbox = sandboxes('initgen-weight-');

function traceOf(box) {
  const file = join(box.dir, 'trace');
  return {
    env: box.env({ TRACE_IMPORTS_FILE: file }),
    read: () => (existsSync(file) ? readFileSync(file, 'utf8') : ''),
  };
}

/** Packages of HEAVY that the trace shows loaded from a node_modules folder. */
function heavyIn(trace) {
  return HEAVY.filter((name) => trace.includes(`/node_modules/${name}/`));
}

for (const state of ['stopped', 'running']) {
  test(`status (${state}) loads none of ${HEAVY.join(', ')}`, async () => {
    const box = sandbox();
    if (state === 'running') assert.equal((await runAction(['start'], { env: box.env() })).code, 0);
    const trace = traceOf(box);
    const r = spawnSync(process.execPath, ['--import', TRACER, FIXTURE, 'status'], { env: trace.env, encoding: 'utf8' });
    assert.equal(r.status, state === 'running' ? 0 : 3, r.stderr);
    const loaded = trace.read();
    assert.match(loaded, /\/dist\/initgen\.cjs\n/, 'the tracer saw the library load');
    assert.deepEqual(heavyIn(loaded), [], loaded);
    if (state === 'running') assert.equal((await runAction(['stop'], { env: box.env() })).code, 0);
  });
}

test('the library bundle holds no dependency code: a heavy load could not hide in it', () => {
  // esbuild marks each module it bundles with a `// path` comment (the bundle is not minified)
  const bundle = readFileSync(fileURLToPath(new URL('../../dist/initgen.cjs', import.meta.url)), 'utf8');
  const bundled = [...bundle.matchAll(/^\/\/ (\S+)$/gm)].map((m) => m[1]);
  assert.ok(bundled.includes('src/service/pidfile.ts'), bundled.join('\n'));
  assert.deepEqual(bundled.filter((path) => path.includes('node_modules')), []);
});

test('the tracer would catch a heavy load, by import and by require', () => {
  const box = sandbox();
  const trace = traceOf(box);
  const program = "await import('tail'); (await import('node:module')).createRequire(process.cwd() + '/x.js')('plist');";
  const r = spawnSync(process.execPath, ['--import', TRACER, '--input-type=module', '-e', program], {
    env: trace.env,
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(heavyIn(trace.read()), ['tail', 'plist']);
});
