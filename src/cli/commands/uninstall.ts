// initgen uninstall: stop, disable and remove what install wrote; safe to repeat.
import type { Argv } from 'yargs';
import { EXIT } from '../errors.js';
import { err, loadNormalized, out, placeOptions, targetOption } from '../install-options.js';
import type { Command } from './types.js';

export const uninstallCommand: Command = {
  command: 'uninstall',
  describe: 'Stop, disable and remove what install wrote',
  builder: (yargs: Argv) => placeOptions(yargs).option('name', { type: 'string', describe: 'the service name (instead of reading it from the config)' }),
  async run(argv) {
    const a = argv as Record<string, unknown>;
    const target = targetOption(a.target);
    const config = a.name === undefined || a.config !== undefined ? await loadNormalized(a.config as string | undefined) : undefined;
    const { uninstall } = await import('../../install/uninstall.js');
    await uninstall({
      root: a.root as string,
      name: (a.name as string | undefined) ?? (config?.name as string),
      ...(config !== undefined && { config }),
      ...(target !== undefined && { target }),
      ...(a.scanDir !== undefined && { scanDir: a.scanDir as string }),
      dryRun: Boolean(a.dryRun),
      force: Boolean(a.force),
      enable: a.enable !== false,
      print: out,
      warn: err,
    });
    return EXIT.ok;
  },
};
