// docs/contract.md §3 for the generated files that do not go through the library
// (systemd, OpenRC): before the service starts, root prepares its log file, and the
// service's own shell opens it after the privilege drop. This is that root step, as
// POSIX sh taking four positional parameters: NAME LOGFILE USER OWNER (USER empty
// when the service runs as root; OWNER the chown(1) spec for a new file, or empty).
//
// - the log's directory is created (0755) when missing and never changed when it
//   exists (`checkpath --directory` would chmod /tmp for a log in /tmp);
// - when root itself opens the log (no USER), its directory must be root's alone,
//   else another user could swap a link in between;
// - an existing log must be a regular file (not a link) owned by root or USER: a
//   file another user pre-created in a sticky directory is refused;
// - a missing log is created 0640 with O_EXCL (noclobber), so no link is followed,
//   and given to OWNER with chown -h.
const LINES = [
  'svc=$1 log=$2 user=$3 owner=$4',
  'dir=${log%/*}',
  'dir=${dir:-/}',
  'refuse() { echo "$svc: refusing log $1" >&2; exit 1; }',
  '[ -d "$dir" ] || (umask 022 && mkdir -p "$dir") || exit',
  'if [ -z "$user" ] && [ -z "$(find -H "$dir" -prune -type d -user 0 ! -perm -0002 \\( ! -perm -0020 -o -group 0 \\) -print)" ]; then refuse "directory $dir: users other than root can write it"; fi',
  'if [ -e "$log" ] || [ -L "$log" ]; then',
  '[ -n "$(find "$log" -prune -type f \\( -user 0 -o -user "${user:-0}" \\) -print)" ] || refuse "file $log: not a regular file owned by root${user:+ or $user}"',
  'else',
  '(umask 027 && set -C && : >"$log") || exit',
  'if [ -n "$owner" ]; then chown -h "$owner" "$log" || exit; fi',
  'fi',
];

/**
 * The service's side, after the switch to its user: `sh -c OPEN_LOG LOGFILE NODE ...`
 * appends stdout and stderr to LOGFILE, opened as that user, then becomes node
 * (systemd, OpenRC, and launchd with a user, which has no root step before it).
 */
export const OPEN_LOG = 'exec "$@" >>"$0" 2>&1';

/** ARGV run by /bin/sh with its output appended to LOGFILE, opened by that sh. */
export function openLogThen(logfile: string, argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', OPEN_LOG, logfile, ...argv];
}

/** The script on one line (systemd's sh -c). */
export function logPrepareOneLine(): string {
  return LINES.map((line) => (/ then$| else$|^else$/.test(line) ? `${line} ` : `${line}; `)).join('').replace(/; $/, '');
}

/** The script, one command per line with the given indentation (a service script's function). */
export function logPrepareLines(indent: string): string[] {
  let depth = 0;
  return LINES.map((line) => {
    if (line === 'else' || line === 'fi') depth -= 1;
    const out = `${indent}${'\t'.repeat(depth)}${line}`;
    if (line.endsWith(' then') || line === 'else') depth += 1;
    return out;
  });
}
