// Build step (`npm run build` runs it after tsc): the library as one CommonJS file,
// dist/initgen.cjs, and an ES module facade over it, dist/initgen.mjs. Monitoring runs
// `node app.js status` every few seconds, and there Node's module loading, not our
// code, was the cost: fifteen ES modules took 10 ms, one CommonJS file takes 1
// (docs/benchmarks.md). Generated output: never committed.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const root = new URL('../../', import.meta.url);
const dist = (file: string) => new URL(`dist/${file}`, root).pathname;

// In CommonJS `require` is at hand: importing node:module for createRequire would load
// Node's ES module loader (1 ms) on every `status`.
const requireInCommonJs: Plugin = {
  name: 'require-in-commonjs',
  setup(bundle) {
    bundle.onResolve({ filter: /^node:module$/ }, () => ({ path: 'node:module', namespace: 'require-in-commonjs' }));
    bundle.onLoad({ filter: /.*/, namespace: 'require-in-commonjs' }, () => ({
      contents: 'export const createRequire = () => require;',
      loader: 'js',
    }));
  },
};

// The pre-built schema validator lives in dist/, written by build-validator.js after tsc.
const prebuiltValidator: Plugin = {
  name: 'prebuilt-validator',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\/schema-validator\.js$/ }, () => ({ path: dist('config/schema-validator.js') }));
  },
};

// templates/ pre-parsed into the CLI bundle (see src/render/compiled-templates.ts)
const compiledTemplates: Plugin = {
  name: 'compiled-templates',
  setup(bundle) {
    bundle.onLoad({ filter: /compiled-templates\.ts$/ }, async () => {
      const { parseTemplates } = await import('../render/template.js');
      const json = JSON.stringify(parseTemplates(new URL('templates/', root)));
      return { contents: `export const COMPILED_TEMPLATES = ${JSON.stringify(json)};`, loader: 'js' };
    });
  },
};

const common: BuildOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [requireInCommonJs, prebuiltValidator],
  logLevel: 'warning',
  legalComments: 'none',
};

// The library needs no import.meta.url (the plugin above answers createRequire).
await build({
  ...common,
  entryPoints: [new URL('src/index.ts', root).pathname],
  outfile: dist('initgen.cjs'),
  logOverride: { 'empty-import-meta': 'silent' },
});

// `initgen` runs in every package build: the CLI with its dependencies in one file, so that
// Node resolves and compiles one module instead of a hundred (docs/benchmarks.md). ajv stays
// out: it is loaded only when a build has no pre-built validator, and so does yaml, needed
// only for YAML configs (a third of the bundle's size otherwise).
await build({
  ...common,
  entryPoints: [new URL('src/cli/main.ts', root).pathname],
  outfile: dist('bundle/initgen-cli.cjs'),
  plugins: [...(common.plugins ?? []), compiledTemplates],
  external: ['ajv', 'yaml'],
  define: {
    // import.meta.url locates templates/ and package.json: the bundle sits in dist/bundle/,
    // as deep as the modules that compute them
    'import.meta.url': 'importMetaUrl',
    // yargs reads process.stdout.columns at load, which sets up the stdout stream (a socket,
    // on a pipe). Our help is not wrapped to the terminal (.wrap(null)): the width is unused.
    'process.stdout.columns': 'undefined',
  },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // half the bytes for V8 to parse on every run; identifiers are kept, so stack traces
  // still name their functions
  minifyWhitespace: true,
  minifySyntax: true,
});

// ES module programs get a facade: importing the CommonJS file directly would make Node
// scan it for export names on every run (52 ms instead of 28 for `status`, here).
const library = createRequire(import.meta.url)(dist('initgen.cjs')) as Record<string, unknown>;
const names = Object.keys(library).filter((name) => name !== 'default').sort();
writeFileSync(
  dist('initgen.mjs'),
  [
    '// Written by npm run build (src/build/bundle.ts); do not edit.',
    '// process.getBuiltinModule (Node >= 20.16) spares the ES module wrapper of node:module.',
    "const { createRequire } = process.getBuiltinModule?.('node:module') ?? (await import('node:module'));",
    "const library = createRequire(import.meta.url)('./initgen.cjs');",
    `export const { ${names.join(', ')} } = library;`,
    'export default library.default;',
    '',
  ].join('\n'),
);
