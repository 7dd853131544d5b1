// Logic-less templates (mustache) with escaping turned off: every value a view
// carries has already been escaped for its format by the target module.
import { readdirSync, readFileSync } from 'node:fs';
import Mustache from 'mustache';
import { COMPILED_TEMPLATES } from './compiled-templates.js';

/** mustache's tokens, as its Writer.renderTokens takes them */
type Tokens = string[][];

const TEMPLATES_DIR = new URL('../../templates/', import.meta.url);
const NO_ESCAPING = { escape: (value: string) => value };
let compiled: Record<string, Tokens> | undefined;
const writer = new Mustache.Writer();

/** The template's tokens: parsed by the build, or now from templates/ (and then kept). */
function tokensOf(key: string): Tokens {
  compiled ??= COMPILED_TEMPLATES === undefined ? {} : (JSON.parse(COMPILED_TEMPLATES) as Record<string, Tokens>);
  compiled[key] ??= Mustache.parse(readFileSync(new URL(key, TEMPLATES_DIR), 'utf8')) as Tokens;
  return compiled[key];
}

export function renderTemplate(target: string, file: string, view: object): string {
  return writer.renderTokens(tokensOf(`${target}/${file}`), new Mustache.Context(view), {}, undefined, NO_ESCAPING);
}

/** Every template under `dir`, parsed: what the build puts in place of COMPILED_TEMPLATES. */
export function parseTemplates(dir: URL): Record<string, Tokens> {
  const all: Record<string, Tokens> = {};
  for (const target of readdirSync(dir).sort()) {
    for (const file of readdirSync(new URL(`${target}/`, dir)).sort()) {
      all[`${target}/${file}`] = Mustache.parse(readFileSync(new URL(`${target}/${file}`, dir), 'utf8')) as Tokens;
    }
  }
  return all;
}
