// The format checks themselves: each one rejects files that break its format
// (written here from each format's documentation), so a check that silently
// passes everything cannot hide behind the golden files. Every target in the
// registry must have a check.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { TARGET_NAMES, cannotCheck, formatCheck } from './index.js';

test('every target in the registry has a format check', async () => {
  for (const name of TARGET_NAMES) {
    const mod = await formatCheck(name);
    assert.ok(mod, `no test/formats/${name}.js`);
    assert.equal(typeof mod.check, 'function', name);
    assert.ok(typeof mod.picks === 'function' || typeof mod.subjectsOf === 'function', name);
    assert.ok(Array.isArray(mod.tools) && Array.isArray(mod.runTools), name);
  }
});

const SYSV_GOOD = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          demo
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: demo
### END INIT INFO
case "$1" in
start|stop|restart|force-reload|status) exit 0 ;;
*) echo "Usage: $0 {start|stop}" >&2; exit 2 ;;
esac
`;

/** [target, description, { path: content }, subject, options, expected FAIL text] */
const BAD = [
  ['sysv', 'a bashism', { demo: SYSV_GOOD.replace('case "$1" in', 'if [[ -n "$1" ]]; then :; fi\ncase "$1" in') }, 'demo', {}, /checkbashisms|dash -n|shellcheck/],
  ['sysv', 'no END INIT INFO', { demo: SYSV_GOOD.replace('### END INIT INFO\n', '') }, 'demo', {}, /END INIT INFO/],
  ['sysv', 'a misspelled keyword', { demo: SYSV_GOOD.replace('Required-Start:', 'Requires-Start:') }, 'demo', {}, /unknown keyword Requires-Start|no Required-Start/],
  ['sysv', 'runlevel 7', { demo: SYSV_GOOD.replace('2 3 4 5', '2 3 4 7') }, 'demo', {}, /runlevel 7/],
  ['openrc', 'nothing to start', { demo: '#!/sbin/openrc-run\ndescription="x"\n' }, 'demo', {}, /neither command= nor start/],
  ['openrc', 'a plain sh shebang', { demo: '#!/bin/sh\ncommand=/bin/true\n' }, 'demo', {}, /openrc-run/],
  ['systemd', 'a misspelled key', { 'demo.service': '[Service]\nExecStart=/bin/true\nRestrat=always\n' }, 'demo.service', {}, /Restrat/],
  ['systemd', 'no unit suffix', { demo: '[Service]\nExecStart=/bin/true\n' }, 'demo', {}, /unit file name/],
  ['upstart', 'an unknown stanza', { 'demo.conf': 'respawn\nrestart always\nexec /bin/true\n' }, 'demo.conf', {}, /unknown stanza "restart"/],
  ['upstart', 'an unquoted two-word description', { 'demo.conf': 'description two words\nexec /bin/true\n' }, 'demo.conf', {}, /description takes 1 argument/],
  ['upstart', 'a script without end script', { 'demo.conf': 'script\n  exec /bin/true\n' }, 'demo.conf', {}, /no "end script"/],
  ['upstart', 'an unbalanced start on', { 'demo.conf': 'start on (runlevel [2345] and\nexec /bin/true\n' }, 'demo.conf', {}, /start (unbalanced|ends with an operator)/],
  ['upstart', 'a bad respawn limit', { 'demo.conf': 'respawn limit 5\nexec /bin/true\n' }, 'demo.conf', {}, /respawn is/],
  ['upstart', 'sh syntax in the script block', { 'demo.conf': 'script\nif then\nend script\n' }, 'demo.conf', {}, /dash -n/],
  ['smf', 'a timeout that is not a number', { 'demo.xml': smf('timeout_seconds="soon"') }, 'demo.xml', {}, /timeout_seconds/],
  ['smf', 'no stop method', { 'demo.xml': smf('timeout_seconds="60"').replace(/<exec_method[^>]*name="stop"[^>]*\/>/, '') }, 'demo.xml', {}, /no "stop" exec_method/],
  ['smf', 'an element the DTD does not know', { 'demo.xml': smf('timeout_seconds="60"').replace('<instance', '<restart_policy/><instance') }, 'demo.xml', {}, /xmllint/],
  ['smf', 'a bad startd/duration', { 'demo.xml': smf('timeout_seconds="60"').replace('value="child"', 'value="forever"') }, 'demo.xml', {}, /startd\/duration/],
  ['launchd', 'an unknown key', { 'demo.plist': plist('<key>Label</key><string>demo</string><key>ProgramArguments</key><array><string>/bin/true</string></array><key>KeepAlives</key><true/>') }, 'demo.plist', {}, /unknown key KeepAlives/],
  ['launchd', 'ProgramArguments as a string', { 'demo.plist': plist('<key>Label</key><string>demo</string><key>ProgramArguments</key><string>/bin/true</string>') }, 'demo.plist', {}, /ProgramArguments is string/],
  ['launchd', 'no Label', { 'demo.plist': plist('<key>Program</key><string>/bin/true</string>') }, 'demo.plist', {}, /no Label/],
  ['launchd', 'not a plist', { 'demo.plist': '<?xml version="1.0"?>\n<plist version="1.0"><dict><key>Label</key></dict></plist>\n' }, 'demo.plist', {}, /xmllint|plistutil|plistlib/],
  ['runit', 'a run script without #!', { 'demo/run': 'exec /bin/true\n' }, 'demo', { static: true }, /no #! line/],
  ['runit', 'a run script that is not executable', { 'demo/run': '#!/bin/sh\nexec /bin/true\n', mode: 0o644 }, 'demo', { static: true }, /not executable/],
  ['daemontools', 'a run script without #!', { 'demo/run': 'exec /bin/true\n' }, 'demo', { static: true }, /no #! line/],
  ['logrotate', 'an unknown directive', { 'demo.logrotate': '/tmp/initgen-format-none.log {\n\tweekly\n\trotaet 8\n}\n' }, 'demo.logrotate', {}, /logrotate -d/],
];

function smf(timeout) {
  return `<?xml version="1.0"?>
<!DOCTYPE service_bundle SYSTEM "/usr/share/lib/xml/dtd/service_bundle.dtd.1">
<service_bundle type="manifest" name="demo">
  <service name="site/demo" type="service" version="1">
    <exec_method type="method" name="start" exec="/bin/true" ${timeout}/>
    <exec_method type="method" name="stop" exec=":kill" timeout_seconds="60"/>
    <property_group name="startd" type="framework">
      <propval name="duration" type="astring" value="child"/>
    </property_group>
    <instance name="default" enabled="false"/>
    <template><common_name><loctext xml:lang="C">demo</loctext></common_name></template>
  </service>
</service_bundle>
`;
}

function plist(body) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>${body}</dict></plist>
`;
}

for (const [name, what, files, subject, options, expected] of BAD) {
  test(`the ${name} format check rejects ${what}`, { skip: await cannotCheck(name) }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'initgen-format-bad-'));
    try {
      const { mode = 0o755, ...contents } = files;
      for (const [path, content] of Object.entries(contents)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
        chmodSync(join(dir, path), mode);
      }
      const mod = await formatCheck(name);
      const target = join(dir, subject);
      const r = await mod.check(name === 'systemd' ? [target] : target, options);
      assert.equal(r.status, 1, r.output);
      // the reason is on a FAIL line or in the tool's message indented under it
      assert.match(r.output.split('\n').filter((l) => !l.includes(': ok: ')).join('\n'), expected, r.output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the sysv format check accepts a minimal LSB script', { skip: await cannotCheck('sysv') }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-format-good-'));
  try {
    writeFileSync(join(dir, 'demo'), SYSV_GOOD, { mode: 0o755 });
    const r = await (await formatCheck('sysv')).check(join(dir, 'demo'));
    assert.equal(r.status, 0, r.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
