// Build step (`npm run build` runs it after tsc): the library as one CommonJS file,
// dist/initgen.cjs, an ES module facade over it, dist/initgen.mjs, and their declarations
// as one file per module system, dist/types/. These, the CLI bundle in dist/bundle/ and
// bin/ are all the package ships (package.json "files"): the per-module output of tsc
// serves the tests only. Monitoring runs
// `node app.js status` every few seconds, and there Node's module loading, not our
// code, was the cost: one CommonJS file loads in a fraction of the time fifteen ES
// modules took (docs/benchmarks.md). Generated output: never committed.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const root = new URL('../../', import.meta.url);
// fileURLToPath, not URL.pathname: the checkout's path may hold a space (%20 in a URL)
const path = (file: string) => fileURLToPath(new URL(file, root));
const dist = (file: string) => path(`dist/${file}`);

// In CommonJS `require` is at hand: importing node:module for createRequire would load
// Node's ES module loader on every `status`.
const requireInCommonJs = replaceModule('require-in-commonjs', /^node:module$/, 'export const createRequire = () => require;');

/** A plugin that gives every import matching `filter` the module `contents` instead. */
function replaceModule(name: string, filter: RegExp, contents: string): Plugin {
  return {
    name,
    setup(bundle) {
      bundle.onResolve({ filter }, (args) => ({ path: args.path, namespace: name }));
      bundle.onLoad({ filter: /.*/, namespace: name }, () => ({ contents, loader: 'js' }));
    },
  };
}

// The pre-built schema validator lives in dist/, written by build-validator.js after tsc.
// It require()s ajv's runtime helpers through createRequire, which esbuild cannot follow:
// they become static imports here, so the CLI needs no ajv installed next to it.
const prebuiltValidator: Plugin = {
  name: 'prebuilt-validator',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\/schema-validator\.js$/ }, () => ({ path: dist('config/schema-validator.js') }));
    bundle.onLoad({ filter: /[\\/]schema-validator\.js$/ }, ({ path: file }) => {
      const helpers: string[] = [];
      const code = readFileSync(file, 'utf8')
        .replace(/^import \{ createRequire \} from 'node:module';\nconst require = createRequire\(import\.meta\.url\);\n/m, '')
        .replace(/\brequire\("(ajv\/dist\/runtime\/[\w.-]+)"\)/g, (_, helper: string) => {
          helpers.push(helper);
          return `ajvRuntime${helpers.length - 1}`;
        });
      if (/\brequire\(/.test(code)) throw new Error(`${file}: a require() the bundle cannot follow`);
      const imports = helpers.map((helper, i) => `import * as ajvRuntime${i} from ${JSON.stringify(helper)};`);
      return { contents: `${imports.join('\n')}\n${code}`, loader: 'js' };
    });
  },
};

// In the CLI, ajv itself is needed only to compile the schema when no pre-built validator
// matches it, and the build always writes a matching one: a package carries no ajv.
const noAjv = replaceModule(
  'no-ajv',
  /^ajv$/,
  "throw new Error('initgen: this build has no pre-compiled config validator (run npm run build)');",
);

// yaml is a third of the CLI's size and only YAML configs need it: its own file next to
// the bundle, loaded on first use.
const yamlBeside: Plugin = {
  name: 'yaml-beside',
  setup(bundle) {
    bundle.onResolve({ filter: /^yaml$/ }, () => ({ path: './yaml.cjs', external: true }));
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
  entryPoints: [path('src/index.ts')],
  outfile: dist('initgen.cjs'),
  logOverride: { 'empty-import-meta': 'silent' },
});

// `initgen` runs in every package build: the CLI with its dependencies in one file, so that
// Node resolves and compiles one module instead of a hundred (docs/benchmarks.md), and so
// that installing initgen installs none of them.
await build({
  ...common,
  entryPoints: [path('src/cli/main.ts')],
  outfile: dist('bundle/initgen-cli.cjs'),
  plugins: [...(common.plugins ?? []), compiledTemplates, noAjv, yamlBeside],
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

await build({
  ...common,
  entryPoints: [createRequire(import.meta.url).resolve('yaml')],
  outfile: dist('bundle/yaml.cjs'),
  minifyWhitespace: true,
  minifySyntax: true,
});

// Issue 16: the wrapper of unmodified programs (node --import=initgen/wrap PROGRAM ...),
// an ES module (--import loads one and awaits it) over the same library file.
await build({
  ...common,
  format: 'esm',
  entryPoints: [path('src/wrap/preload.ts')],
  outfile: dist('wrap.mjs'),
  plugins: [
    {
      name: 'library-beside',
      setup(bundle) {
        // required, not imported: an import would make Node scan the CommonJS file for
        // export names on every run (as the facade below explains)
        bundle.onResolve({ filter: /service\/simple\.js$/ }, () => ({ path: 'library', namespace: 'library-beside' }));
        bundle.onLoad({ filter: /.*/, namespace: 'library-beside' }, () => ({
          contents: [
            "const { createRequire } = process.getBuiltinModule?.('node:module') ?? (await import('node:module'));",
            "export const { simple } = createRequire(import.meta.url)('./initgen.cjs');",
          ].join('\n'),
          loader: 'js',
        }));
      },
    },
  ],
});

// ES module programs get a facade: importing the CommonJS file directly would make Node
// scan it for export names on every run, which nearly doubled `status` (docs/benchmarks.md).
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

// The declarations, bundled: one file that names only what src/index.ts exports (no
// internal module's declarations ship). The same text serves both conditions; as .d.cts
// TypeScript reads it as CommonJS, which is what `require('initgen')` returns (without it,
// a CommonJS project under module node16 fails with TS1471).
const { generateDtsBundle } = createRequire(import.meta.url)('dts-bundle-generator') as typeof import('dts-bundle-generator');
const [declarations] = generateDtsBundle([{ filePath: path('src/index.ts'), output: { noBanner: true } }], {
  preferredConfigPath: path('tsconfig.json'),
});
if (declarations === undefined) throw new Error('dts-bundle-generator returned nothing for src/index.ts');
mkdirSync(dist('types'), { recursive: true });
writeFileSync(dist('types/initgen.d.ts'), declarations);
writeFileSync(dist('types/initgen.d.cts'), declarations);
