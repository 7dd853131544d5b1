// Dropping root (contract §4): group first, then supplementary groups, then user,
// so that no step runs with the user's identity but root's groups.
import { requireBuiltin } from './builtins.js';
import { ServiceFailure } from './outcome.js';

/** `id` answers from NSS; child_process is loaded only when a switch is asked for. */
function id(...args: string[]): string {
  const { execFileSync } = requireBuiltin<typeof import('node:child_process')>('node:child_process');
  return execFileSync('id', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

function primaryGroupOf(user: string): number {
  // `id` asks NSS, so users from LDAP or sssd resolve as well as /etc/passwd ones.
  return Number(id('-g', '--', user));
}

function currentUserIs(user: string): boolean {
  const uid = process.getuid?.();
  if (String(uid) === user) return true;
  try {
    return Number(id('-u', '--', user)) === uid;
  } catch {
    return false;
  }
}

/** Throws ServiceFailure('insufficientPrivilege') when a switch is asked for and we are not root. */
export function dropPrivileges(user: string | undefined, group: string | undefined): void {
  if (user === undefined && group === undefined) return;
  if (process.geteuid?.() !== 0) {
    // A supervisor may already have switched us (chpst -u, User=): then there is nothing left to do.
    const already = (user === undefined || currentUserIs(user)) && group === undefined;
    if (already) return;
    throw new ServiceFailure('insufficientPrivilege', `the \`user\`/\`group\` options need root (running as uid ${process.getuid?.()})`);
  }
  try {
    const gid = group ?? (user !== undefined ? primaryGroupOf(user) : undefined);
    if (gid !== undefined) process.setgid!(gid);
    if (user !== undefined) (process as unknown as { initgroups(user: string, group: string | number): void }).initgroups(user, gid ?? user);
    else if (gid !== undefined) process.setgroups!([gid]);
    if (user !== undefined) process.setuid!(user);
  } catch (error) {
    throw new ServiceFailure('insufficientPrivilege', `cannot switch to ${user ?? ''}${group ? `:${group}` : ''}: ${(error as Error).message}`);
  }
}
