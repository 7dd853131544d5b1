// Shared by regenerate.js and the golden tests: the cases, the targets whose
// module exists, and rendering one target for one case in memory.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../dist/config/load.js';
import { validateConfig } from '../../dist/config/validate.js';
import { normalize } from '../../dist/config/normalize.js';
import { generate } from '../../dist/generate.js';
import { loadTargets } from '../../dist/targets/registry.js';

export const GOLDEN_DIR = fileURLToPath(new URL('.', import.meta.url));
export const CASES_DIR = join(GOLDEN_DIR, 'cases');
/** Files in a case folder that record the rendering rather than being rendered. */
export const RECORDS = ['warnings.txt', 'install.txt'];

export const CASES = readdirSync(CASES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

/** [{ name, target }] for every registered target. */
export async function targets() {
  return { available: (await loadTargets()).map((target) => ({ name: target.name, target })) };
}

export async function loadCase(caseName) {
  const { file, data } = await loadConfig(`${caseName}.json`, CASES_DIR);
  return normalize(await validateConfig(data, file), '/usr/bin/node');
}

/** The files a target renders for a case, plus the records reviewed with them. */
export async function renderCase(targetName, caseName) {
  const warnings = [];
  const files = await generate(await loadCase(caseName), targetName, (m) => warnings.push(m));
  const install = files.map((f) => `${f.mode.toString(8).padStart(4, '0')} /${f.installPath} <- ${f.outPath}\n`).join('');
  return { files, records: { 'warnings.txt': warnings.map((w) => `${w}\n`).join(''), 'install.txt': install } };
}

/** Every file under a golden case folder, by path relative to it. */
export function readGolden(targetName, caseName) {
  const root = join(GOLDEN_DIR, targetName, caseName);
  const found = new Map();
  if (!existsSync(root)) return found;
  const walk = (rel) => {
    for (const entry of readdirSync(join(root, rel)).sort()) {
      const path = rel ? `${rel}/${entry}` : entry;
      const abs = join(root, path);
      if (statSync(abs).isDirectory()) walk(path);
      else found.set(path, { bytes: readFileSync(abs), mode: statSync(abs).mode & 0o777, abs });
    }
  };
  walk('');
  return found;
}
