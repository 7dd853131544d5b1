// Dropping root (docs/contract.md §4): group first, then supplementary groups, then
// user, so that no step runs with the user's identity but root's groups; and what
// the service keeps of root's state across the switch (its environment).
import { requireBuiltin } from './builtins.js';
import { ServiceFailure } from './outcome.js';
import { SERVICE_PATH } from '../defaults.js';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Kept across a switch whatever the keep-list says: systemd's readiness socket for `run`. */
const ALWAYS_KEPT = ['NOTIFY_SOCKET'];

/**
 * `getent` answers from NSS, so users and groups from LDAP or sssd resolve as
 * /etc/passwd ones do; a name or a numeric id. undefined: no such entry.
 */
function getent(database: 'passwd' | 'group', key: string, service: string): string[] | undefined {
  const { spawnSync } = requireBuiltin<typeof import('node:child_process')>('node:child_process');
  const r = spawnSync('getent', [database, '--', key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.error) {
    throw new ServiceFailure('genericError', `${service}: cannot look up ${database === 'passwd' ? 'user' : 'group'} ${key}: getent: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  }
  // getent(1): 2 means "not found"; anything else but 0 is a failed lookup
  if (r.status === 2) return undefined;
  const line = r.stdout.split('\n')[0] ?? '';
  if (r.status !== 0 || line === '') {
    throw new ServiceFailure('genericError', `${service}: cannot look up ${database === 'passwd' ? 'user' : 'group'} ${key}: getent exited with ${r.status}`);
  }
  return line.split(':');
}

/** Throws ServiceFailure('notConfigured') for a user that does not exist. */
function lookupUser(user: string, service: string): Account {
  const fields = getent('passwd', user, service);
  if (!fields || fields.length < 7) throw new ServiceFailure('notConfigured', `${service}: cannot switch to user ${user}: no such user`);
  return { name: fields[0]!, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5]!, shell: fields[6]! };
}

/** Throws ServiceFailure('notConfigured') for a group that does not exist. */
function lookupGroup(group: string, service: string): number {
  const fields = getent('group', group, service);
  if (!fields || fields.length < 3) throw new ServiceFailure('notConfigured', `${service}: cannot switch to group ${group}: no such group`);
  return Number(fields[2]);
}

export interface Identity {
  account?: Account;
  gid?: number;
}

/** The identity `user`/`group` ask for; undefined when neither is set. */
export function targetIdentity(user: string | undefined, group: string | undefined, service: string): Identity | undefined {
  if (user === undefined && group === undefined) return undefined;
  const account = user !== undefined ? lookupUser(user, service) : undefined;
  const gid = group !== undefined ? lookupGroup(group, service) : account?.gid;
  return { ...(account && { account }), ...(gid !== undefined && { gid }) };
}

/**
 * A supervisor may have switched us already (setpriv, systemd User=/Group=, chpst -u
 * u:g): then the real and effective ids are the asked-for ones and nothing is left to do.
 */
function isAlready(identity: Identity): boolean {
  const { account, gid } = identity;
  const uidOk = account === undefined || (process.getuid!() === account.uid && process.geteuid!() === account.uid);
  const gidOk = gid === undefined || (process.getgid!() === gid && process.getegid!() === gid);
  return uidOk && gidOk;
}

/** True when the identity asks for a change this process must make itself. */
export function needsSwitch(identity: Identity | undefined): boolean {
  return identity !== undefined && !isAlready(identity);
}

/** Throws ServiceFailure('insufficientPrivilege') when a switch is needed and we are not root. */
export function assertCanSwitch(identity: Identity | undefined, service: string): void {
  if (!needsSwitch(identity) || process.geteuid?.() === 0) return;
  throw new ServiceFailure('insufficientPrivilege', `${service}: the \`user\`/\`group\` options need root (running as uid ${process.getuid?.()})`);
}

/**
 * Switches to the identity (as root). With `user`, the supplementary groups are the
 * user's (its primary group included) plus `group` when that is another.
 */
export function dropPrivileges(identity: Identity | undefined, service: string): void {
  if (!needsSwitch(identity)) return;
  assertCanSwitch(identity, service);
  const { account, gid } = identity!;
  const who = [account?.name, gid !== undefined && account?.gid !== gid ? `group ${gid}` : undefined].filter(Boolean).join(', ');
  try {
    if (gid !== undefined) process.setgid!(gid);
    if (account !== undefined) {
      (process as unknown as { initgroups(user: string, group: number): void }).initgroups(account.name, account.gid);
      if (gid !== undefined && gid !== account.gid) process.setgroups!([...new Set([...process.getgroups!(), gid])]);
      process.setuid!(account.uid);
    } else if (gid !== undefined) {
      process.setgroups!([gid]);
    }
  } catch (error) {
    throw new ServiceFailure('insufficientPrivilege', `${service}: cannot switch to ${who}: ${(error as Error).message}`);
  }
}

/**
 * The environment of a service that switches to `account` (daemon(7): nothing of
 * root's but what is asked for): HOME, USER, LOGNAME and SHELL of the account,
 * service(8)'s PATH, and the variables named in `keep` (which win: PATH among them
 * keeps the caller's).
 */
export function switchedEnvironment(account: Account, keep: readonly string[], from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of [...ALWAYS_KEPT, ...keep]) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  // a kept name wins: a config that sets HOME means it
  return { PATH: SERVICE_PATH, HOME: account.home, USER: account.name, LOGNAME: account.name, SHELL: account.shell, ...env };
}

/** Replaces process.env's contents in place (it is a special object: keep it). */
export function replaceEnvironment(env: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  Object.assign(process.env, env);
}
