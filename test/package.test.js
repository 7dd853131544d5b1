// The package as users get it: `npm pack` of the built tree, installed from the tarball
// into fresh projects. It must hold only what its exports, bin and docs reach, install
// nothing else, and type-check and run for every consumer the docs show: ES modules,
// CommonJS under module node16, and a project without @types/node.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const TYPES = join(REPO, 'node_modules/@types');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

const npmMissing = spawnSync(NPM, ['--version'], { encoding: 'utf8' }).status === 0 ? false : 'needs npm on PATH';
const work = mkdtempSync(join(tmpdir(), 'initgen-package-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function run(command, args, cwd, env = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', ...env } });
  return r;
}

function ok(r, what) {
  assert.equal(r.status, 0, `${what} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r;
}

// --ignore-scripts: prepack would rebuild dist/ under the tests running beside this one;
// `npm test` has just built it.
let tarball;
let packed;
function pack() {
  if (tarball === undefined) {
    const r = ok(run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO), 'npm pack');
    [packed] = JSON.parse(r.stdout);
    tarball = join(work, packed.filename);
  }
  return { tarball, packed };
}

// A project that depends on the tarball and nothing else: npm needs no registry for it.
function project(name, packageJson, files) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...packageJson }, null, 2));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), typeof text === 'string' ? text : JSON.stringify(text, null, 2));
  ok(run(NPM, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', pack().tarball], dir), `npm install in ${name}`);
  return dir;
}

// module node16, strict, and no skipLibCheck: the shipped declarations are checked too
function tsconfig(extra) {
  return { compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, skipLibCheck: false, outDir: 'out', ...extra } };
}

// `status` with a pid file that does not exist: the library runs, answers "not running"
const PROGRAM_BODY = (dir) => `
const options: ServiceOptions = {
  name: 'pkgtest',
  pidfile: ${JSON.stringify(join(dir, 'run/pkgtest.pid'))},
  logfile: ${JSON.stringify(join(dir, 'log/pkgtest.log'))},
  run() {},
};
const resolved: ResolvedOptions = createService(options, 'unused.js').options;
const failure: ServiceFailure | undefined = undefined;
void failure;
if (resolved.name !== 'pkgtest' || ACTION_CODES.success !== 0) throw new Error('wrong exports');
`;

test('npm pack ships only the bundles, the bundled declarations, bin, docs and LICENSE', { skip: npmMissing }, () => {
  const { packed: p } = pack();
  const files = p.files.map((f) => f.path).sort();
  const allowed = /^(package\.json|README\.md|LICENSE|bin\/[^/]+|docs\/[^/]+\.md|dist\/initgen\.(cjs|mjs)|dist\/wrap\.mjs|dist\/bundle\/[^/]+\.cjs|dist\/types\/initgen\.d\.c?ts)$/;
  assert.deepEqual(files.filter((f) => !allowed.test(f)), [], 'files outside the exports, bin and docs');
  for (const needed of ['LICENSE', 'bin/initgen.js', 'dist/initgen.cjs', 'dist/initgen.mjs', 'dist/bundle/initgen-cli.cjs', 'dist/types/initgen.d.ts', 'dist/types/initgen.d.cts']) {
    assert.ok(files.includes(needed), `${needed} is not packed`);
  }
  // every path the manifest points at is in the package
  const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
  const walk = (v) => (typeof v === 'string' ? [v] : Object.values(v).flatMap(walk));
  targets.push(...walk(manifest.exports));
  for (const target of targets) assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} (package.json) is not packed`);
});

test('LICENSE is the MIT licence package.json names', () => {
  assert.equal(manifest.license, 'MIT');
  const text = readFileSync(join(REPO, 'LICENSE'), 'utf8');
  assert.match(text, /^MIT License\n/);
  assert.match(text, /Copyright \(c\) the initgen authors/);
});

test('installing the package installs no other package; the CLI runs from it with JSON and YAML configs, loading no yaml or ajv from outside it', { skip: npmMissing }, () => {
  assert.deepEqual(Object.keys(manifest.dependencies ?? {}), [], 'run-time dependencies: the CLI bundles what it uses');
  const dir = project('cli', {}, {
    'initgen.json': { name: 'pkgcli', script: '/opt/pkgcli/app.js' },
    'initgen.yaml': 'name: pkgcli\nscript: /opt/pkgcli/app.js\nargs: ["a b"]\n',
    'bad.json': { name: 'pkgcli' },
  });
  const installed = readdirSync(join(dir, 'node_modules')).filter((n) => !n.startsWith('.'));
  assert.deepEqual(installed, ['initgen']);
  // Node looks for a bare `yaml` or `ajv` in every node_modules up the tree, up to /: one
  // planted above the project (a directory another user can write) must not run as root
  const planted = join(work, 'planted');
  for (const name of ['yaml', 'ajv']) {
    mkdirSync(join(work, 'node_modules', name), { recursive: true });
    writeFileSync(join(work, 'node_modules', name, 'package.json'), JSON.stringify({ name, version: '99.0.0', main: 'index.js' }));
    writeFileSync(join(work, 'node_modules', name, 'index.js'), `require('node:fs').appendFileSync(${JSON.stringify(planted)}, ${JSON.stringify(`${name}
`)});
`);
  }
  const bin = join(dir, 'node_modules/.bin/initgen');
  const json = ok(run(bin, ['--target', 'systemd', '--config', 'initgen.json', '--stdout'], dir), 'initgen (JSON)');
  assert.match(json.stdout, /^ExecStart=.*\/opt\/pkgcli\/app\.js run$/m);
  const yaml = ok(run(bin, ['--target', 'systemd', '--config', 'initgen.yaml', '--stdout'], dir), 'initgen (YAML)');
  assert.match(yaml.stdout, /"a b"/);
  assert.equal(existsSync(planted), false, `a module planted above the project ran: ${existsSync(planted) && readFileSync(planted, 'utf8')}`);
  const bad = run(bin, ['--target', 'sysv', '--config', 'bad.json'], dir);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^initgen: .*script/m);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});

test('an ES module TypeScript project type-checks and runs against the package', { skip: npmMissing }, () => {
  const dir = project('esm', { type: 'module' }, {
    'tsconfig.json': tsconfig({ typeRoots: [TYPES], types: ['node'] }),
    'index.ts': `import init, { createService, ACTION_CODES, type ServiceOptions, type ResolvedOptions, type ServiceFailure } from 'initgen';
${PROGRAM_BODY(join(work, 'esm'))}
init.simple(options);
`,
  });
  ok(run(process.execPath, [TSC, '-p', '.'], dir), 'tsc (ESM)');
  const r = run(process.execPath, ['out/index.js', 'status'], dir);
  assert.equal(r.status, 3, `status: ${r.stdout}${r.stderr}`);
});

test('a CommonJS TypeScript project (module node16) type-checks and runs against the package', { skip: npmMissing }, () => {
  const dir = project('cjs', { type: 'commonjs' }, {
    'tsconfig.json': tsconfig({ typeRoots: [TYPES], types: ['node'] }),
    'index.ts': `import { simple, createService, ACTION_CODES, ServiceFailure, type ServiceOptions, type ResolvedOptions } from 'initgen';
import init = require('initgen');
${PROGRAM_BODY(join(work, 'cjs'))}
if (init.default.simple !== simple || !(new ServiceFailure('genericError', 'x') instanceof Error)) throw new Error('wrong exports');
simple(options);
`,
    'other.cts': `import { STATUS_CODES } from 'initgen';\nexport const running: 0 = STATUS_CODES.running;\n`,
  });
  ok(run(process.execPath, [TSC, '-p', '.'], dir), 'tsc (CommonJS)');
  const r = run(process.execPath, ['out/index.js', 'status'], dir);
  assert.equal(r.status, 3, `status: ${r.stdout}${r.stderr}`);
  assert.ok(existsSync(join(dir, 'out/other.cjs')));
});

test('a project without @types/node type-checks against the package', { skip: npmMissing }, () => {
  const dir = project('nonode', { type: 'module' }, {
    // types: [] and no node_modules/@types here: no Node.js declarations at all
    'tsconfig.json': tsconfig({ types: [], lib: ['es2022'] }),
    'index.ts': `import init, { createService, ACTION_CODES, type ServiceOptions, type ResolvedOptions, type ServiceFailure, type InitgenConfig } from 'initgen';
${PROGRAM_BODY(join(work, 'nonode'))}
const config: InitgenConfig = { name: 'pkgtest', script: '/opt/pkgtest/app.js' };
void config;
init.simple(options);
`,
  });
  ok(run(process.execPath, [TSC, '-p', '.'], dir), 'tsc (no @types/node)');
  const r = run(process.execPath, ['out/index.js', 'status'], dir);
  assert.equal(r.status, 3, `status: ${r.stdout}${r.stderr}`);
});
