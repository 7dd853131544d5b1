// Built-in modules for the `status` path, loaded through require: an ESM import of
// node:fs evaluates every lazy getter of the module (streams, promises), which
// `status` never needs and monitoring pays for on every poll.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** For built-ins only some paths need (child_process when switching users). */
export const requireBuiltin = require as <T>(id: `node:${string}`) => T;
export const fs: typeof import('node:fs') = require('node:fs');
export const util: typeof import('node:util') = require('node:util');
