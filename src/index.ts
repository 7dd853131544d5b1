// Public entry point: re-exports only.
import { simple } from './service/simple.js';
import { createService } from './service/service.js';
import { hardKiller, softKiller } from './service/killers.js';

export { simple, createService, hardKiller, softKiller };
export type { Service } from './service/service.js';
export type { ServiceOptions, ResolvedOptions, RunContext } from './service/options.js';
export type { Killer } from './service/killers.js';
export type { ActionResult, StatusResult } from './service/outcome.js';
// a class: createService() throws it for a wrong option, and `instanceof` needs the value
export { ServiceFailure } from './service/outcome.js';
export { ACTIONS, ACTION_CODES, STATUS_CODES, type Action, type ActionOutcome, type StatusOutcome } from './lsb.js';
export type { InitgenConfig } from './config/types.js';

const init = { simple, createService, hardKiller, softKiller };
export default init;
