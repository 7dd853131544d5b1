// The default command: render service files for one target or all of them.
// Everything is validated and rendered in memory before the first file is written.
import { join, posix } from 'node:path';
import type { Argv } from 'yargs';
import { isTargetName, TARGET_NAMES, type TargetName } from '../../targets/registry.js';
import type { RenderedFile } from '../../targets/types.js';
import type { NormalizedConfig } from '../../config/types.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { err } from '../output.js';
import type { Command } from './types.js';

interface Output {
  target: TargetName;
  file: RenderedFile;
  /** where it goes on disk (--out, --root), or its label on stdout */
  dest: string;
}

interface Options {
  target: string;
  config?: string;
  out?: string;
  stdout?: boolean;
  root?: string;
  check?: boolean;
}

export const generateCommand: Command = {
  command: '$0',
  describe: 'Generate service files from the config',
  builder: (yargs: Argv) =>
    yargs
      .option('target', { alias: 't', type: 'string', demandOption: true, describe: `${TARGET_NAMES.join('|')}|all (comma-separated for several)` })
      .option('config', { alias: 'c', type: 'string', describe: 'config file: .json, .yaml/.yml, or package.json (key "initgen")' })
      .option('out', { alias: 'o', type: 'string', describe: 'write files under DIR (DIR/TARGET/... with several targets)' })
      .option('root', { type: 'string', describe: 'write files at their install paths under DIR, with their modes' })
      .option('stdout', { type: 'boolean', describe: 'print the files (the default without --out or --root)' })
      .option('check', { type: 'boolean', describe: 'write nothing; exit 1 if a file differs from what would be written' })
      .conflicts('out', ['root', 'stdout'])
      .conflicts('root', 'stdout')
      .conflicts('check', 'stdout'),
  async run(argv) {
    const opts = argv as unknown as Options;
    const targets = targetList(opts.target);
    if (opts.check && opts.out === undefined && opts.root === undefined) throw usageError('--check needs --out DIR or --root DIR');
    const outputs = await renderAll(opts, targets);
    if (opts.check) return check(outputs, (opts.root ?? opts.out) as string);
    if (opts.out === undefined && opts.root === undefined) return print(outputs);
    const { writeFileAtomic, writeFileAtomicSync } = await import('../../render/write.js');
    // the tree may belong to someone else: every write stays inside it (src/render/write.ts)
    const tree = (opts.root ?? opts.out) as string;
    await reachable(outputs, tree);
    if (opts.root === undefined) {
      for (const { file, dest } of outputs) await cannotWrite(dest, () => writeFileAtomicSync(dest, file.content, file.mode, tree));
    } else {
      // --root writes into a system (or its image): fsynced. The destinations are distinct
      // (renderAll checks), so the writes overlap.
      await Promise.all(outputs.map(({ file, dest }) => cannotWrite(dest, () => writeFileAtomic(dest, file.content, file.mode, tree))));
    }
    return EXIT.ok;
  },
};

/** Before the first write: every destination's directory resolves inside the tree (a link loop or a file in the way fails here, not halfway). */
async function reachable(outputs: Output[], tree: string): Promise<void> {
  const { openDirIn, closeDir, insideTree } = await import('../../render/write.js');
  for (const { dest } of outputs) {
    await cannotWrite(dest, () => {
      const dir = openDirIn(tree, posix.dirname(insideTree(tree, dest)));
      if (dir !== undefined) closeDir(dir);
    });
  }
}

/** A refused or failed write: `initgen: cannot write DEST: why`, exit 1. */
async function cannotWrite(dest: string, write: () => unknown): Promise<void> {
  try {
    await write();
  } catch (err) {
    const { whyFailed } = await import('../../render/write.js');
    throw new CliError([`initgen: cannot write ${dest}: ${whyFailed(err)}`], EXIT.failure);
  }
}

function targetList(value: string): TargetName[] {
  if (value === 'all') return [...TARGET_NAMES];
  const words = value.split(',').map((w) => w.trim());
  const unknown = words.filter((w) => !isTargetName(w));
  if (unknown.length > 0 || words.length === 0) {
    throw usageError(`Invalid \`--target\`: expected one of ${TARGET_NAMES.join(', ')}, all; got \`${unknown.join(',') || value}\``);
  }
  return [...new Set(words as TargetName[])];
}

async function renderAll(opts: Options, targets: TargetName[]): Promise<Output[]> {
  const { loadConfig } = await import('../../config/load.js');
  const { validateConfig } = await import('../../config/validate.js');
  const { normalize } = await import('../../config/normalize.js');
  const { generate, warnNodePath } = await import('../../generate.js');
  const { file, data } = await loadConfig(opts.config);
  const config = normalize(await validateConfig(data, file));
  const warn = err;
  warnNodePath(config, warn);
  const several = targets.length > 1;
  const outputs: Output[] = [];
  for (const name of targets) {
    const mine: Output[] = [];
    for (const rendered of await generate(config, name, warn)) {
      const outPath = several ? join(name, rendered.outPath) : rendered.outPath;
      const dest =
        opts.root !== undefined ? join(opts.root, rendered.installPath) : opts.out !== undefined ? join(opts.out, outPath) : outPath;
      mine.push({ target: name, file: rendered, dest });
    }
    // `--target all --root`: one root holds one init script per path. sysv and openrc both
    // install etc/init.d/NAME; the earlier target in the registry (sysv) keeps it, and the
    // other is left out unless named (docs/packaging.md).
    const taken = opts.target === 'all' && opts.root !== undefined ? mine.find((m) => outputs.some((o) => o.dest === m.dest)) : undefined;
    if (taken !== undefined) {
      const owner = outputs.find((o) => o.dest === taken.dest)?.target as TargetName;
      warn(`initgen: note: --target all leaves out ${name}: ${owner} already installs ${taken.file.installPath} (name ${name} in --target to get it instead)`);
      continue;
    }
    outputs.push(...mine);
  }
  await warnCodeWriters(opts, config, [...new Set(outputs.map((o) => o.target))], warn);
  const seen = new Map<string, TargetName>();
  for (const { target, dest } of outputs) {
    const other = seen.get(dest);
    if (other !== undefined) throw usageError(`${other} and ${target} would both write ${dest}; generate them one at a time, or use --out`);
    seen.set(dest, target);
  }
  return outputs;
}

/** Root would run code others can change: install refuses it; generation says so and goes on (src/install/code-owners.ts). */
async function warnCodeWriters(opts: Options, config: NormalizedConfig, targets: TargetName[], warn: (message: string) => void): Promise<void> {
  const { codeWriters, rootRunsCode, shortList } = await import('../../install/code-owners.js');
  const { loadTarget } = await import('../../targets/registry.js');
  const running: TargetName[] = [];
  for (const name of targets) if (rootRunsCode(await loadTarget(name), config)) running.push(name);
  if (running.length === 0) return;
  const { problems } = await codeWriters(opts.root ?? '/', config);
  for (const p of shortList(problems)) warn(`initgen: warning: ${running.join(', ')} would run as root code that others can change: ${p}; \`initgen install\` refuses this (docs/install.md)`);
}

async function check(outputs: Output[], tree: string): Promise<typeof EXIT.ok | typeof EXIT.failure> {
  const { fileDrift } = await import('../../render/write.js');
  const drift: string[] = [];
  for (const { file, dest } of outputs) {
    const why = await fileDrift(dest, file.content, file.mode, tree);
    if (why !== undefined) drift.push(`initgen: ${dest}: ${why}`);
  }
  if (drift.length > 0) throw new CliError(drift, EXIT.failure);
  return EXIT.ok;
}

function print(outputs: Output[]): typeof EXIT.ok {
  const headers = outputs.length > 1;
  outputs.forEach(({ file, dest }, i) => {
    if (headers) process.stdout.write(`${i > 0 ? '\n' : ''}==> ${dest} <==\n`);
    process.stdout.write(file.content);
  });
  return EXIT.ok;
}
