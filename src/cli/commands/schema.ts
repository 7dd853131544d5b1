import { configSchema } from '../../config/schema.js';
import { EXIT } from '../errors.js';
import type { Command } from './types.js';

export const schemaCommand: Command = {
  command: 'schema',
  describe: 'Print the JSON Schema of the config file',
  async run() {
    process.stdout.write(`${JSON.stringify(configSchema, null, 2)}\n`);
    return EXIT.ok;
  },
};
