// Logic-less templates (mustache) with escaping turned off: every value a view
// carries has already been escaped for its format by the target module.
import { readFileSync } from 'node:fs';
import Mustache from 'mustache';

const TEMPLATES_DIR = new URL('../../templates/', import.meta.url);
const cache = new Map<string, string>();

export function renderTemplate(target: string, file: string, view: object): string {
  const key = `${target}/${file}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(new URL(key, TEMPLATES_DIR), 'utf8');
    cache.set(key, text);
  }
  return Mustache.render(text, view, {}, { escape: (value: string) => value });
}
