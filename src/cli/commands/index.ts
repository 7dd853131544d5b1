// Every initgen command, in the order `initgen --help` lists them.
import { generateCommand } from './generate.js';
import { schemaCommand } from './schema.js';
import { targetsCommand } from './targets.js';
import type { Command } from './types.js';

export type { Command } from './types.js';

export const COMMANDS: readonly Command[] = [generateCommand, targetsCommand, schemaCommand];
