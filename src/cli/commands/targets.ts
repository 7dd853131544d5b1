import { loadTarget, TARGET_NAMES } from '../../targets/registry.js';
import { EXIT } from '../errors.js';
import type { Command } from './types.js';

export const targetsCommand: Command = {
  command: 'targets',
  describe: 'List the targets initgen can generate',
  async run() {
    const width = Math.max(...TARGET_NAMES.map((n) => n.length)) + 2;
    for (const name of TARGET_NAMES) process.stdout.write(`${name.padEnd(width)}${(await loadTarget(name)).title}\n`);
    return EXIT.ok;
  },
};
