// Issue 15: the config's logMaxSize and logKeep on every target that can express them,
// checked with the real tools written past the limit: multilog (daemontools log/run),
// svlogd (runit log/run, through its config file), logrotate (maxsize, rotate); and
// warned about where a target cannot.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { render, scratch, writeFiles } from '../targets/supervise-harness.js';

const missing = (tool, pkg) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0 && `needs ${tool} (Debian package ${pkg})`;

/** Numbered lines, LINES of them, each WIDTH bytes with its newline. */
function lines(count, width = 100) {
  let text = '';
  for (let i = 0; i < count; i++) {
    const head = `line ${i} `;
    text += `${head}${'x'.repeat(width - head.length - 1)}\n`;
  }
  return text;
}

/** Run the generated log/run with `input` on stdin until the logger exits at its end. */
function runLogger(script, input) {
  return new Promise((resolve, reject) => {
    // in the service directory, as runsv and supervise run it (and not in a checkout another user may not enter)
    const child = spawn('sh', [script], { cwd: dirname(script), stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });
}

/** Every line the logger kept, in all its files (its timestamp prefix removed). */
function kept(dir) {
  const all = [];
  for (const f of readdirSync(dir)) {
    if (f === 'config' || f === 'lock' || f === 'state' || f === 'newstate') continue;
    for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const m = / ?(line \d+) x+$/.exec(l);
      if (m) all.push(m[1]);
    }
  }
  return all;
}

const asRoot = process.getuid() === 0;
for (const [target, tool, pkg] of [['daemontools', 'multilog', 'daemontools'], ['runit', 'svlogd', 'runit']]) for (const user of [undefined, 'nobody']) {
  // log/run accepts only a log directory whose parent is root's (issue 10 finding 1), and switches user
  const skip = missing(tool, pkg) || (!asRoot && (user ? 'needs root: log/run switches the logger to the service user' : "needs root: log/run accepts only a log directory whose parent is root's"));
  test(`${target}: logMaxSize and logKeep reach ${tool}${user ? ` (logger as ${user})` : ''}, which keeps every file under the size and no more than the count`, { skip, timeout: 60_000 }, async () => {
    const dir = scratch(`limits-${target}`);
    try {
      const max = 4096;
      const keep = 3;
      const { files, warnings } = await render(target, { name: 'app', script: '/srv/app.js', logfile: join(dir, 'log', 'app.log'), logMaxSize: max, logKeep: keep, ...(user && { user }) });
      assert.deepEqual(warnings, []);
      writeFiles(join(dir, 'sv'), files);
      const logRun = join(dir, 'sv', 'app', 'log', 'run');
      const input = lines(1000); // 100 kB: 25 times the size
      const run = await runLogger(logRun, input);
      assert.equal(run.code, 0, run.stderr);
      const logdir = join(dir, 'log', 'app');
      const names = readdirSync(logdir).filter((f) => f === 'current' || f.startsWith('@'));
      for (const f of names) assert.ok(statSync(join(logdir, f)).size <= max, `${f} is ${statSync(join(logdir, f)).size} bytes, over ${max}`);
      const old = names.filter((f) => f.startsWith('@'));
      assert.ok(old.length >= 1 && old.length <= keep, `old files: ${old.length}, at most ${keep}`);
      // what is kept is the end of the stream, whole lines, in order
      const got = kept(logdir).map((l) => Number(l.slice(5))).sort((a, b) => a - b);
      assert.ok(got.length > 0);
      assert.equal(got[got.length - 1], 999);
      got.forEach((n, i) => i === 0 || assert.equal(n, got[i - 1] + 1, 'a gap in what is kept'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('daemontools: a logMaxSize multilog cannot take is clamped, with a warning naming the field', async () => {
  const { files, warnings } = await render('daemontools', { name: 'app', script: '/srv/app.js', logMaxSize: 100, logKeep: 1 });
  const logRun = files.find((f) => f.outPath === 'app/log/run').content;
  assert.match(logRun, /^exec multilog t s4096 n2 /m);
  assert.deepEqual(warnings.map((w) => w.field), ['logMaxSize', 'logKeep']);
});

test('logrotate: logKeep is `rotate`, logMaxSize is `maxsize`, and logRotation "writer" rotates by rename (real logrotate)', { skip: missing('logrotate', 'logrotate'), timeout: 60_000 }, async () => {
  const dir = scratch('limits-logrotate');
  try {
    const logfile = join(dir, 'app.log');
    const { files, warnings } = await render('logrotate', { name: 'app', script: '/srv/app.js', logfile, logMaxSize: 1000, logKeep: 2, logRotation: 'writer' });
    assert.deepEqual(warnings, []);
    const conf = join(dir, 'app.logrotate');
    writeFileSync(conf, files[0].content);
    assert.doesNotMatch(files[0].content, /copytruncate/);
    const inodes = [];
    for (let round = 0; round < 4; round++) {
      writeFileSync(logfile, lines(50)); // 5000 bytes: over maxsize, though the week is not out
      inodes.push(statSync(logfile).ino);
      const r = spawnSync('logrotate', ['-s', join(dir, 'state'), conf], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      // by rename: the file the writer had is now FILE.1, the same inode
      assert.equal(statSync(`${logfile}.1`).ino, inodes[round]);
    }
    const rotated = readdirSync(dir).filter((f) => f.startsWith('app.log.')).sort();
    assert.deepEqual(rotated, ['app.log.1', 'app.log.2.gz'], 'rotate 2: two kept, the older compressed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('logrotate: without the log fields the snippet is as before (copytruncate, rotate 8, no maxsize)', async () => {
  const { files } = await render('logrotate', { name: 'app', script: '/srv/app.js' });
  assert.match(files[0].content, /^\tcopytruncate$/m);
  assert.match(files[0].content, /^\trotate 8$/m);
  assert.doesNotMatch(files[0].content, /maxsize/);
});

test('targets that cannot express a log field set by the user say so once per field, naming it', async () => {
  const { generate } = await import('../../dist/generate.js');
  const { normalize } = await import('../../dist/config/normalize.js');
  const fieldsWarned = async (target, extra) => {
    const messages = [];
    await generate(normalize({ name: 'app', script: '/srv/app.js', ...extra }, '/usr/bin/node'), target, (m) => messages.push(m));
    return messages.map((m) => /field `(\w+)`/.exec(m)?.[1]).filter((f) => f?.startsWith('log'));
  };
  for (const target of ['launchd', 'smf']) {
    assert.deepEqual(await fieldsWarned(target, { logRotation: 'writer', logMaxSize: 1000, logKeep: 2 }), ['logRotation', 'logMaxSize', 'logKeep'], target);
  }
  // ignored (the logrotate target maps it) is not warned about
  assert.deepEqual(await fieldsWarned('systemd', { logMaxSize: 1000 }), []);
});

test('the config takes the log fields and names a wrong one', async () => {
  const { configProblems } = await import('../../dist/config/validate.js');
  const ok = { name: 'hello', script: '/opt/hello/app.js' };
  assert.deepEqual(await configProblems({ ...ok, logRotation: 'writer', logMaxSize: 10485760, logKeep: 5 }), []);
  assert.deepEqual(await configProblems({ ...ok, logKeep: -1 }), ['Invalid `logKeep`: expected an integer of at least 0, got `-1`']);
  assert.deepEqual(await configProblems({ ...ok, logRotation: 'rename' }), ['Invalid `logRotation`: expected one of `copytruncate`, `writer`, got `rename`']);
});
