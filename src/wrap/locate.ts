// Issue 16: where the wrapper of unmodified programs lives, and what a config
// with `"program": "plain"` renders (docs/unmodified.md).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { InitgenConfig } from '../config/types.js';

/** The package's export of the wrapper (package.json "exports"). */
const WRAPPER_SPECIFIER = 'initgen/wrap';

/**
 * The wrapper is taken from the initgen the program itself depends on first: a
 * service must not run code from a cache (npx) that is cleaned behind its back.
 * Otherwise the initgen that is generating.
 */
function findWrapper(script: string): string {
  try {
    return createRequire(script).resolve(WRAPPER_SPECIFIER);
  } catch {}
  // dist/wrap/ and the CLI bundle's dist/bundle/ both sit two levels below the package
  const own = fileURLToPath(new URL('../wrap.mjs', import.meta.url));
  if (existsSync(own)) return own;
  throw new Error(`program "plain": cannot find ${WRAPPER_SPECIFIER} from ${script}: install initgen next to the program (npm install initgen)`);
}

interface ProgramDefaults {
  kind: 'initgen' | 'plain';
  /** words between NODE and SCRIPT */
  nodeArgs: string[];
  /** default working directory; undefined: the contract's "/" */
  cwd?: string;
}

export function programDefaults(config: InitgenConfig): ProgramDefaults {
  if (config.program !== 'plain') return { kind: 'initgen', nodeArgs: [] };
  // A file URL: --import takes a module specifier, and a path with "%" or "#" is not one.
  const wrapper = pathToFileURL(findWrapper(config.script)).href;
  // An unmodified server reads files relative to where `npm start` ran it: its own directory.
  return { kind: 'plain', nodeArgs: [`--import=${wrapper}`], cwd: dirname(config.script) };
}

/** What a script looks like: one that mentions init.simple or imports initgen calls the library. */
export function programKind(source: string): 'initgen' | 'plain' {
  return /\binit\.simple\s*\(|\brequire\s*\(\s*['"]initgen['"]\s*\)|\bfrom\s*['"]initgen['"]|\bimport\s*\(\s*['"]initgen['"]\s*\)/.test(source)
    ? 'initgen'
    : 'plain';
}
