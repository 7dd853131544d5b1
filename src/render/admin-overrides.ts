// The admin's override files (docs/packaging.md, "Admin overrides") in the shell of the
// SysV and OpenRC scripts: one home for where they are, when root may read one, and
// which of their variables reach node. Each script inserts these lines into its own
// functions (templates stay logic-less), so both apply the same rule.

/** Debian's directory, then RHEL's: the first NAME file found there is the admin's. */
const ADMIN_DIRS = ['/etc/default', '/etc/sysconfig'] as const;

/** sed -n script: the names a sourced file assigns (`NAME=...`, `export NAME=...`), one a line. */
export const ASSIGNED_NAMES = 's/^[[:space:]]*\\(export[[:space:]][[:space:]]*\\)\\{0,1\\}\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\2/p';

/** sed -n script: the names a file exports (`export NAME`, `export NAME=...`): OpenRC's conf.d convention. */
export const EXPORTED_NAMES = 's/^[[:space:]]*export[[:space:]][[:space:]]*\\([A-Za-z_][A-Za-z0-9_]*\\)\\([=[:space:]].*\\)\\{0,1\\}$/\\1/p';

interface ShellWords {
  /** the shell function the lines define */
  fn: string;
  /** how the script names the service, e.g. "$NAME" */
  name: string;
  /** the script's function that prints "NAME: MESSAGE" and exits with CODE */
  fail: string;
  /** LSB 6, program is not configured */
  notConfigured: number;
}

/**
 * Root sources the file, so it is read only when root's alone: a regular file (find
 * does not follow a link), owned by root, writable by no one else, in a directory the
 * same. FILE and DIR are shell words.
 */
function refuseUnlessRoots(file: string, dir: string, w: ShellWords, indent: string): string[] {
  return [
    `${indent}if [ -z "$(find ${file} -prune -type f -user 0 ! -perm -020 ! -perm -002 2>/dev/null)" ] ||`,
    `${indent}\t[ -z "$(find ${dir} -prune -type d -user 0 ! -perm -020 ! -perm -002 2>/dev/null)" ]; then`,
    `${indent}\t${w.fail} "refusing to read ${file.replace(/^"|"$/g, '')}: it must be a regular file owned by root and writable by root only" ${w.notConfigured}`,
    `${indent}fi`,
  ];
}

/** FN prints the admin's file (the first of ADMIN_DIRS/NAME that exists), or nothing; refuses one not root's alone. */
export function adminDefaultsFunction(w: ShellWords): string[] {
  return [
    `${w.fn}() {`,
    `\tfor initgen_dir in ${ADMIN_DIRS.join(' ')}; do`,
    `\t\tinitgen_file=$initgen_dir/${w.name}`,
    '\t\t[ -e "$initgen_file" ] || [ -L "$initgen_file" ] || continue',
    ...refuseUnlessRoots('"$initgen_file"', '"$initgen_dir"', w, '\t\t'),
    `\t\tprintf '%s\\n' "$initgen_file"`,
    '\t\treturn 0',
    '\tdone',
    '}',
  ];
}

/** FN FILE: refuses FILE (which exists) unless it is root's alone. */
export function rootsAloneFunction(w: ShellWords): string[] {
  return [`${w.fn}() {`, ...refuseUnlessRoots('"$1"', '"${1%/*}"', w, '\t'), '}'];
}

/**
 * Run as root by `env -i PATH=... sh -c SCRIPT sh FILE N`: sources FILE with every
 * assignment exported (inside env -i, so nothing of the caller's is there to keep),
 * then prints, for each variable FILE assigns, `initgen_adminN='NAME=value'` (quoted
 * for the script's eval) and finally `initgen_n=N`, the next free number.
 */
export const ADMIN_WORDS = [
  'initgen_f=$1 initgen_n=$2',
  'set -a',
  '. "$initgen_f"',
  'set +a',
  `for initgen_v in $(sed -n "${ASSIGNED_NAMES}" "$initgen_f"); do`,
  '\teval "initgen_w=\\$initgen_v=\\${$initgen_v-}"',
  '\tprintf \'initgen_admin%s=\' "$initgen_n"',
  '\tprintf \'%s\\n\' "$initgen_w" | sed "s/\'/\'\\\\\\\\\'\'/g;1s/^/\'/;\\$s/\\$/\'/"',
  '\tinitgen_n=$((initgen_n + 1))',
  'done',
  'echo "initgen_n=$initgen_n"',
].join('\n');
