// README.md works as written: every command in its shell blocks runs, as shown, where
// a reader would run it. The contributor commands run in a copy of the checkout (its
// tracked files, as a clone has them); `npm install initgen` installs the packed
// tarball into a fresh project, standing for the registry's copy; the `npx initgen`
// commands run in that project against the README's own config file. A block marked
// `<!-- readme-test: host ... -->` would change this host: it runs against a
// temporary root instead. A command this file does not know how to run fails the test,
// so the README cannot grow a command nobody tried.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_offline: 'true', npm_config_fund: 'false', npm_config_audit: 'false' };

/** Code blocks in order: { lang, text, mark } (mark: the readme-test comment just before it). */
function blocks(markdown) {
  const found = [];
  const re = /(?:<!-- readme-test: ([^>]*?) -->\n)?^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) found.push({ mark: m[1], lang: m[2], text: m[3] });
  return found;
}

/** The commands of a shell block: one a line, trailing comments dropped. */
function commands(text) {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

// Plain words only: the README shows no quoting, and a command that needs it needs a shell.
function words(command) {
  assert.doesNotMatch(command, /['"`$\\|;&<>()*?]/, `README command needs a shell, which this test does not model: ${command}`);
  return command.split(/\s+/);
}

const all = blocks(README);
const shellBlocks = all.filter((b) => b.lang === 'sh');
const jsonBlocks = all.filter((b) => b.lang === 'json');
const jsBlocks = all.filter((b) => b.lang === 'js');

const work = mkdtempSync(join(tmpdir(), 'initgen-readme-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

const npmMissing = spawnSync('npm', ['--version']).status === 0 ? false : 'needs npm on PATH';
const notGit = spawnSync('git', ['-C', REPO, 'rev-parse', '--is-inside-work-tree']).status === 0 ? false : 'needs a git checkout (to copy its tracked files, as a clone)';

function run(argv, cwd) {
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', env: ENV });
  return { ...r, shown: `$ ${argv.join(' ')} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}` };
}

test('the README shows the example config: the same as examples/hello/initgen.json', () => {
  assert.equal(jsonBlocks.length, 1, 'one JSON block: the config the generator commands use');
  const example = JSON.parse(readFileSync(join(REPO, 'examples/hello/initgen.json'), 'utf8'));
  assert.deepEqual(JSON.parse(jsonBlocks[0].text), example);
});

test('the Quick start has exactly two commands: npm run example and npm test', () => {
  const quick = README.slice(README.indexOf('## Quick start'));
  const first = blocks(quick)[0];
  assert.deepEqual(commands(first.text), ['npm run example', 'npm test']);
});

test('the README commands run as shown', { skip: npmMissing }, async (t) => {
  const cmds = shellBlocks.flatMap((b) => commands(b.text).map((command) => ({ command, mark: b.mark })));
  assert.ok(cmds.length > 0);
  let project;
  let clone;

  // a fresh project that depends on the package (the packed tarball of this checkout)
  const userProject = () => {
    if (project) return project;
    const packed = run(['npm', 'pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO);
    assert.equal(packed.status, 0, packed.shown);
    const tarball = join(work, JSON.parse(packed.stdout)[0].filename);
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-user', version: '1.0.0', private: true, type: 'module' }));
    const installed = run(['npm', 'install', tarball], project);
    assert.equal(installed.status, 0, installed.shown);
    writeFileSync(join(project, 'initgen.json'), jsonBlocks[0].text);
    return project;
  };

  // the checkout's tracked (and new, not ignored) files, as a clone has them; node_modules
  // is linked, not installed, so that the test needs no registry
  const fresh = () => {
    if (clone) return clone;
    const listed = spawnSync('git', ['-C', REPO, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    clone = join(work, 'clone');
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      if (!existsSync(join(REPO, file))) continue; // deleted in the working tree
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(REPO, file), join(clone, file));
    }
    symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'));
    return clone;
  };

  for (const { command, mark } of cmds) {
    await t.test(command, async (st) => {
      const argv = words(command);
      if (mark?.startsWith('host')) {
        assert.deepEqual(argv.slice(0, 4), ['sudo', 'npx', 'initgen', 'install'], `a host command this test cannot model: ${command}`);
        // As shown, it would install into this machine's init system. The same words,
        // without sudo, against a temporary root: they parse, and the config installs.
        const root = mkdtempSync(join(work, 'root-'));
        const r = run([...argv.slice(1), '--root', root, '--target', 'systemd', '--no-enable', '--no-path-check'], userProject());
        assert.equal(r.status, 0, r.shown);
        assert.ok(existsSync(join(root, 'lib/systemd/system/hello.service')), r.shown);
        return;
      }
      if (command === 'npm install initgen') {
        userProject(); // the tarball stands for the registry's copy
        assert.ok(existsSync(join(project, 'node_modules/initgen/package.json')));
        return;
      }
      if (argv[0] === 'npx' && argv[1] === 'initgen') {
        const r = run(argv, userProject());
        if (argv[2] === 'detect') assert.ok(r.status === 0 || r.status === 1, r.shown);
        else assert.equal(r.status, 0, r.shown);
        return;
      }
      if (command === 'npm run example') {
        if (notGit) return st.skip(notGit);
        const r = run(argv, fresh());
        assert.equal(r.status, 0, r.shown);
        assert.match(r.stdout, /\$ node app\.js start\n.*\n {2}-> exit 0\n/, r.shown);
        return;
      }
      if (command === 'npm test') {
        // this file is part of it: running the suite from inside itself would recurse
        assert.match(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts.test, /^node test\/run\.js$/);
        return st.skip('npm test is the suite now running this file');
      }
      assert.fail(`README command that test/readme.test.js does not know how to run: ${command}`);
    });
  }
});

test('the README library example loads the package and answers with the usage line', { skip: npmMissing }, () => {
  assert.equal(jsBlocks.length, 1);
  const dir = join(work, 'library');
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-library', private: true, type: 'module' }));
  const packed = run(['npm', 'pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO);
  assert.equal(packed.status, 0, packed.shown);
  const installed = run(['npm', 'install', join(dir, JSON.parse(packed.stdout)[0].filename)], dir);
  assert.equal(installed.status, 0, installed.shown);
  writeFileSync(join(dir, 'app.js'), jsBlocks[0].text);
  // no action: exit 2 and the usage line, before any file is touched (docs/contract.md §1)
  const r = run([process.execPath, 'app.js'], dir);
  assert.equal(r.status, 2, r.shown);
  assert.match(r.stderr, /^Usage: hello \{start\|stop\|restart\|try-restart\|reload\|force-reload\|status\|run\|logs\}$/m);
});
