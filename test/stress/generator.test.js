// Issue 4.6, contract §5: arbitrary Unicode in every string field, argument and
// environment value. Either the config is rejected with a line naming the field, or
// every target renders, each output parses in its format, and the program receives
// exactly those values: the SysV, runit and daemontools outputs and the upstart and
// SMF command lines are run with a stand-in for node; systemd, launchd, upstart
// stanzas and the SMF XML are parsed by readers of their formats.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import plist from 'plist';
import { configProblems } from '../../dist/config/validate.js';
import { normalize } from '../../dist/config/normalize.js';
import { generate } from '../../dist/generate.js';
import { TARGET_NAMES } from '../../dist/targets/registry.js';
import { settingWords } from '../../dist/targets/settings.js';
import { argvRecorder, nihToken, readNul, smfRead, systemdExecArgv, systemdSettings, systemdSpecifiers, systemdWords, upstartScript } from '../helpers/formats.js';
import { record, scaled } from './lib.js';

const RUNS = scaled(Number(process.env.STRESS_GENERATOR_RUNS ?? 100), 10);
const rec = argvRecorder();
const work = mkdtempSync(join(tmpdir(), 'initgen-stress-gen-'));
const figures = { runs: 0, rejected: 0, accepted: 0, rejectedBy: {}, checks: {}, charsTried: 0 };
after(() => {
  rmSync(rec.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  record('generator', figures);
});
const has = (tool) => !spawnSync(tool, ['--help'], { stdio: 'ignore' }).error;
const HAVE = { chpst: spawnSync('sh', ['-c', 'command -v chpst']).status === 0, envdir: spawnSync('sh', ['-c', 'command -v envdir']).status === 0, python3: has('python3') };

// Shell, XML, plist, systemd and upstart metacharacters, control characters, NUL, and any code point.
const nasty = fc.constantFrom(...' "\'\\$`!&|;<>*?~#%{}()[]\n\r\t\v\f\0\x01\x1b\x7f\u0085\u00a0\u2028\u2029\ufeff\ud83d\ude00é日'.match(/[\s\S]/gu), '%%', '$$', '%n', '${X}', ']]>', '&amp;', '-', '--');
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: nasty, maxLength: 16 }), fc.string({ unit: fc.oneof(nasty, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 20 }));
const FIELDS = ['name', 'description', 'longDescription', 'script', 'node', 'user', 'group', 'cwd', 'umask', 'pidfile', 'logfile', 'lockfile', 'readiness'];

function base() {
  return { name: 'fuzz', description: 'd', script: join(work, 'app.js'), node: rec.path, cwd: work, logfile: join(work, 'fuzz.log'), args: [], env: {} };
}

function readPlist(text) {
  if (!HAVE.python3) return plist.parse(text);
  const file = join(work, 'job.plist');
  writeFileSync(file, text);
  const r = spawnSync('python3', ['-c', 'import json,plistlib,sys; json.dump(plistlib.load(open(sys.argv[1],"rb")), sys.stdout)', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** `words`: the --initgen- setting words a wrapper puts after the action (decision D1) */
function expectArgv(config, action, words = []) {
  return [config.script, action, ...words, ...(config.args.length ? ['--', ...config.args] : [])];
}

function recorded(run, what) {
  assert.equal(run.status, 0, `${what}: ${run.stderr}`);
  figures.checks[what] = (figures.checks[what] ?? 0) + 1;
  return { argv: readNul(rec.argvOut), env: Object.fromEntries(readNul(rec.envOut).map((kv) => kv.split(/=(.*)/s).slice(0, 2))) };
}

const recEnv = { PATH: process.env.PATH, ARGV_OUT: rec.argvOut, ENV_OUT: rec.envOut };

async function roundTrip(config) {
  const normalized = normalize(config, rec.path);
  const out = (target) => generate(normalized, target, () => {});
  const envOk = (seen, what) => {
    for (const [k, v] of Object.entries(config.env)) assert.equal(seen[k], v, `${what}: env ${k}`);
  };
  // SysV: the script itself, as init runs it. It starts node with env -i and the config's
  // env only (decision D2), so the recorder's output paths travel in the config's env
  const sysvConfig = normalize({ ...config, env: { ...config.env, ARGV_OUT: rec.argvOut, ENV_OUT: rec.envOut } }, rec.path);
  const sysv = (await generate(sysvConfig, 'sysv', () => {}))[0];
  const sysvPath = join(work, 'sysv-script');
  writeFileSync(sysvPath, sysv.content, { mode: 0o755 });
  let r = recorded(spawnSync('/bin/sh', [sysvPath, 'start'], { env: { ...recEnv, CALLER_ONLY: 'x' }, encoding: 'utf8' }), 'sysv run');
  assert.deepEqual(r.argv, expectArgv(config, 'start', settingWords(sysvConfig)), 'sysv argv');
  envOk(r.env, 'sysv');
  assert.equal(r.env.CALLER_ONLY, undefined, 'sysv: nothing of the caller\'s environment');
  // runit and daemontools: ./run in the service directory
  for (const [target, tool] of [['runit', 'chpst'], ['daemontools', 'envdir']]) {
    if (!HAVE[tool]) continue;
    const dir = mkdtempSync(join(work, `${target}-`));
    // ./run starts node with env -i and the config's env only (decision D2), as SysV does
    const files = await generate(sysvConfig, target, () => {});
    for (const f of files) {
      mkdirSync(join(dir, f.outPath, '..'), { recursive: true });
      writeFileSync(join(dir, f.outPath), f.content, { mode: f.mode });
    }
    const run = files.find((f) => /(^|\/)run$/.test(f.outPath) && !f.outPath.includes('/log/'));
    const svdir = join(dir, run.outPath, '..');
    r = recorded(spawnSync('/bin/sh', ['./run'], { cwd: svdir, env: { ...recEnv, CALLER_ONLY: 'x' }, encoding: 'utf8' }), `${target} run`);
    assert.deepEqual(r.argv, expectArgv(config, 'run'), `${target} argv`);
    envOk(r.env, target);
    assert.equal(r.env.CALLER_ONLY, undefined, `${target}: nothing of the caller's environment`);
  }
  // systemd: ExecStart= and Environment= read back by systemd's own rules
  const unit = (await out('systemd')).find((f) => f.outPath.endsWith('.service')).content;
  const settings = systemdSettings(unit);
  // the log is opened by the service's shell, after User= applies (finding 14), not by PID 1
  const logPrefix = ['/bin/sh', '-c', 'exec "$@" >>"$0" 2>&1', config.logfile];
  assert.deepEqual(systemdExecArgv(settings.find(([, k]) => k === 'ExecStart')[2]), [...logPrefix, config.node, ...expectArgv(config, 'run')], 'systemd ExecStart');
  const sdEnv = Object.fromEntries(settings.filter(([, k]) => k === 'Environment').map(([, , v]) => systemdWords(v).map(systemdSpecifiers)[0].split(/=(.*)/s).slice(0, 2)));
  envOk(sdEnv, 'systemd');
  figures.checks['systemd parse'] = (figures.checks['systemd parse'] ?? 0) + 1;
  // upstart: env stanzas through libnih's tokenizer, then the script block with /bin/sh -e
  const job = (await out('upstart'))[0].content;
  const upEnv = {};
  for (const line of job.split('\n').filter((l) => l.startsWith('env '))) {
    const [k, v] = nihToken(line.slice(4)).split(/=(.*)/s);
    upEnv[k] = v;
  }
  // (values a stanza cannot carry, such as newlines, are exported inside the block)
  r = recorded(spawnSync('/bin/sh', ['-e', '-c', upstartScript(job)], { env: { ...recEnv, ...upEnv }, encoding: 'utf8' }), 'upstart run');
  assert.deepEqual(r.argv, expectArgv(config, 'run'), 'upstart argv');
  envOk(r.env, 'upstart');
  // launchd: the plist parsed as data (python's plistlib: the npm plist parser reads `<string/>` and ' ' as "\n")
  const p = readPlist((await out('launchd'))[0].content);
  assert.deepEqual(p.ProgramArguments, [config.node, ...expectArgv(config, 'run')], 'launchd ProgramArguments');
  envOk(p.EnvironmentVariables ?? {}, 'launchd');
  figures.checks['launchd parse'] = (figures.checks['launchd parse'] ?? 0) + 1;
  // SMF: expat parses the manifest; the start method runs as svc.startd runs it
  if (HAVE.python3) {
    const xml = join(work, 'manifest.xml');
    writeFileSync(xml, (await out('smf'))[0].content);
    const m = smfRead(xml);
    const smfEnv = Object.fromEntries(m.env);
    envOk(smfEnv, 'smf envvar');
    assert.equal(m.common_name, config.description, 'smf common_name');
    r = recorded(spawnSync('/bin/sh', ['-c', `exec ${m.methods.start.exec.replace(/%%/g, '%')}`], { env: { ...recEnv, ...smfEnv }, encoding: 'utf8' }), 'smf start method');
    assert.deepEqual(r.argv, expectArgv(config, 'run', settingWords(normalized, ['name', 'umask', 'env'])), 'smf argv');
  }
}

test(`${RUNS} configs with arbitrary strings in one field: rejected naming it, or every target renders (contract §5)`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...FIELDS), text, async (field, value) => {
      figures.runs++;
      figures.charsTried += [...value].length;
      const config = { ...base(), [field]: value };
      const problems = await configProblems(config);
      if (problems.length > 0) {
        figures.rejected++;
        figures.rejectedBy[field] = (figures.rejectedBy[field] ?? 0) + 1;
        for (const line of problems) assert.match(line, new RegExp(`\`${field}\``), `a problem line names the field: ${line}`);
        return;
      }
      const normalized = normalize(config, rec.path);
      for (const target of TARGET_NAMES) {
        try {
          assert.ok((await generate(normalized, target, () => {})).length > 0, target);
        } catch (error) {
          // a target that cannot express the value must say which field (the CLI writes nothing then)
          assert.match(error.message, new RegExp(`field \`${field}\``), `${target}: ${error.message}`);
          figures.renderRefused = figures.renderRefused ?? {};
          figures.renderRefused[`${target} ${field}`] = (figures.renderRefused[`${target} ${field}`] ?? 0) + 1;
          return;
        }
      }
      figures.accepted++;
    }),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});

test(`${RUNS} configs with arbitrary arguments, environment values, descriptions and script names: rejected naming the field, or received byte for byte (contract §5)`, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(text, { maxLength: 6 }),
      fc.dictionary(fc.constantFrom('A', 'B_2', 'LANG_X'), text, { maxKeys: 3 }),
      text,
      text,
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      async (args, env, description, longDescription, scriptName) => {
        figures.runs++;
        const script = join(work, scriptName.replace(/[/\0]/g, '_'));
        const config = { ...base(), args, env, description, longDescription, script };
        figures.charsTried += [...args, ...Object.values(env), description, longDescription, scriptName].join('').length;
        const problems = await configProblems(config);
        if (problems.length > 0) {
          figures.rejected++;
          for (const line of problems) {
            const named = /`(args|env|description|longDescription|script)[^`]*`/.exec(line);
            assert.ok(named, `a problem line names the field: ${line}`);
            figures.rejectedBy[named[1]] = (figures.rejectedBy[named[1]] ?? 0) + 1;
          }
          return;
        }
        figures.accepted++;
        writeFileSync(script, '');
        await roundTrip(config);
      },
    ),
    { numRuns: RUNS, includeErrorInReport: true },
  );
});
