// The least a correct `status` of a running service can do, without initgen: read the
// pid file (no symlinks) and its identity record, check the process is alive and started
// at the recorded tick, and within pid_max (docs/contract.md §2, §4), print, exit. The bench installs it as a
// package with an `exports` map, as initgen is, and times `node status.cjs status` against
// it, with the pid file given the way initgen's is (a setting word, or the environment for
// a library from before the words): what Node itself costs before any of initgen's work.
const fs = require('node:fs');

exports.simple = function simple({ name, pidfile }) {
  const word = process.argv.find((arg) => arg.startsWith('--initgen-pidfile='));
  const path = word ? word.slice('--initgen-pidfile='.length) : process.env.INITGEN_PIDFILE || pidfile;
  let fd;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    fs.writeSync(1, `${name} is not running\n`);
    process.exit(3);
  }
  fs.fstatSync(fd);
  const bytes = Buffer.alloc(33);
  const text = bytes.subarray(0, fs.readSync(fd, bytes, 0, 33, 0)).toString('latin1');
  fs.closeSync(fd);
  const pid = Number(/^([1-9][0-9]{0,9})\n?$/.exec(text)?.[1]);
  let ours = false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const idfd = fs.openSync(`${path}.id`, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    fs.fstatSync(idfd);
    const record = bytes.subarray(0, fs.readSync(idfd, bytes, 0, 33, 0)).toString('latin1');
    fs.closeSync(idfd);
    ours =
      fields[0] !== 'Z' &&
      record === `${pid} ${fields[19]}\n` &&
      pid <= Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  } catch {
    ours = false;
  }
  fs.writeSync(1, ours ? `${name} is running (pid ${pid})\n` : `${name} is dead, but pid file exists\n`);
  process.exit(ours ? 0 : 1);
};
