import { TARGET_NAMES } from '../../targets/registry.js';
import { EXIT } from '../errors.js';
import type { Command } from './types.js';

export const targetsCommand: Command = {
  command: 'targets',
  describe: 'List the targets initgen can generate',
  async run() {
    const width = Math.max(...TARGET_NAMES.map((n) => n.length)) + 2;
    const { availableTarget } = await import('../../generate.js');
    for (const name of TARGET_NAMES) {
      const target = await availableTarget(name);
      process.stdout.write(`${name.padEnd(width)}${target?.title ?? '(not available in this build)'}\n`);
    }
    return EXIT.ok;
  },
};
