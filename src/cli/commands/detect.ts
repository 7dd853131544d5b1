// initgen detect: name the host's init system from evidence, strongest first.
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT } from '../errors.js';
import { err } from '../output.js';
import type { Command } from './types.js';

export const detectCommand: Command = {
  command: 'detect',
  describe: 'Name the init system of this host (or of --root DIR)',
  builder: (yargs: Argv) =>
    yargs
      .option('root', { type: 'string', default: '/', coerce: (dir: string) => resolve(dir), describe: 'look at the system installed under DIR' })
      .option('verbose', { alias: 'v', type: 'boolean', describe: 'show every piece of evidence, strongest first' }),
  async run(argv) {
    const { detect } = await import('../../install/detect.js');
    const { root, verbose } = argv as { root: string; verbose?: boolean };
    const { system, evidence } = await detect(root);
    if (system !== undefined) process.stdout.write(`${system}\n`);
    if (verbose) {
      for (const e of evidence) process.stdout.write(`  ${e.system ?? '-'}\t${e.check}: ${e.seen}\n`);
    }
    if (system === undefined) {
      err('initgen: no init system recognised; pass --target to install');
      return EXIT.failure;
    }
    return EXIT.ok;
  },
};
