// Every initgen command, in the order `initgen --help` lists them.
import { detectCommand } from './detect.js';
import { generateCommand } from './generate.js';
import { initCommand } from './init.js';
import { installCommand } from './install.js';
import { schemaCommand } from './schema.js';
import { targetsCommand } from './targets.js';
import { uninstallCommand } from './uninstall.js';
import type { Command } from './types.js';

export type { Command } from './types.js';

export const COMMANDS: readonly Command[] = [generateCommand, targetsCommand, schemaCommand, detectCommand, installCommand, uninstallCommand, initCommand];
