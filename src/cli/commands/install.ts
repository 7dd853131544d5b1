// initgen install: write the files where they belong and enable the service.
import type { Argv } from 'yargs';
import { EXIT } from '../errors.js';
import { err, loadNormalized, out, placeOptions, targetOption } from '../install-options.js';
import type { Command } from './types.js';

export const installCommand: Command = {
  command: 'install',
  describe: 'Install the service files and enable the service',
  builder: (yargs: Argv) =>
    placeOptions(yargs).option('path-check', {
      type: 'boolean',
      default: true,
      describe: 'check that the service user can reach node and the script (--no-path-check for package builds)',
    }),
  async run(argv) {
    const a = argv as Record<string, unknown>;
    const target = targetOption(a.target);
    const config = await loadNormalized(a.config as string | undefined);
    const { install } = await import('../../install/install.js');
    await install(config, {
      root: a.root as string,
      ...(target !== undefined && { target }),
      ...(a.scanDir !== undefined && { scanDir: a.scanDir as string }),
      dryRun: Boolean(a.dryRun),
      force: Boolean(a.force),
      enable: a.enable !== false,
      pathCheck: a.pathCheck !== false,
      print: out,
      warn: err,
    });
    return EXIT.ok;
  },
};
