// templates/ parsed at build time, as JSON: { "target/file": mustache tokens }. Undefined
// here, so a plain tsc build reads and parses templates/ at run time; the CLI bundle
// (src/build/bundle.ts) replaces this module, and `initgen` then neither reads nor parses
// a template on each run.
export const COMPILED_TEMPLATES: string | undefined = undefined;
