// What a service name, a umask, a user or group name, an environment variable name, a
// launchd label and an SMF FMRI prefix look like: the config schema takes each one's
// `.source`, the config check names it in words, and the library's options test with it.
// No imports: the library's `status` path loads it.

/** letters, digits, `_ . @ -`; a letter or digit first; at most 64 */
export const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
export const UMASK = /^0?[0-7]{3}$/;
/** a user or group name (or number): no blank, no `:`, which separates user:group */
export const ACCOUNT = /^[^\s:]+$/;
/** POSIX portable environment variable names */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const LAUNCHD_LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const FMRI_PREFIX = /^[a-z][a-z0-9_/-]*$/;
