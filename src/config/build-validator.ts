// Build step (`npm run build` runs it after tsc): compile the config schema once into
// ajv's standalone code, dist/config/schema-validator.js, so that initgen neither loads
// ajv nor compiles the schema on every run. Generated output: never committed.
import { writeFileSync } from 'node:fs';
import { AJV_OPTIONS, loadAjv, schemaKey } from './validate.js';
import { configSchema } from './schema.js';

const Ajv = await loadAjv();
const mod = (await import('ajv/dist/standalone/index.js')) as unknown as { default: (ajv: object, validate: object) => string };
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
const code = mod.default(ajv, ajv.compile(configSchema));

// ajv's ESM output still require()s its runtime helpers (ucs2length for minLength), with
// CommonJS semantics (`.default`): give it a require of its own
const prologue = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);";
const out = new URL('./schema-validator.js', import.meta.url);
const key = `export const key = ${JSON.stringify(schemaKey())};`;
writeFileSync(out, `// Written by npm run build (src/config/build-validator.ts) from src/config/schema.ts; do not edit.\n${prologue}\n${code}\n${key}\n`);
