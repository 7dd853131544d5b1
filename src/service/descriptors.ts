// daemon(7): a SysV daemon closes every descriptor it inherited but 0-2. Node has
// no closefrom(), and its spawn passes on any descriptor the caller inherited without
// close-on-exec (`exec 200</root/secret` in the shell that ran `start`).
import { fs } from './builtins.js';

/** O_CLOEXEC as /proc/PID/fdinfo prints it (octal "flags:"), on every Linux architecture. */
const O_CLOEXEC = 0o2000000;

/**
 * Closes each descriptor above `keepUpTo` that lacks close-on-exec. Node and libuv
 * open all of theirs with O_CLOEXEC (epoll, eventfd, signal pipes, every fs.open), so
 * these are exactly the ones inherited from the caller. No /proc (not Linux): nothing
 * to enumerate, nothing closed. Returns the descriptors it closed.
 */
export function closeInheritedDescriptors(keepUpTo: number): number[] {
  let fds: number[];
  try {
    fds = fs.readdirSync('/proc/self/fd').map(Number).filter((fd) => Number.isInteger(fd) && fd > keepUpTo);
  } catch {
    return [];
  }
  const closed: number[] = [];
  for (const fd of fds) {
    let info: string;
    try {
      info = fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1');
    } catch {
      continue; // gone already (the descriptor of the directory listing itself)
    }
    const flags = /^flags:\s*([0-7]+)$/m.exec(info);
    if (!flags || (parseInt(flags[1]!, 8) & O_CLOEXEC) !== 0) continue;
    try {
      fs.closeSync(fd);
      closed.push(fd);
    } catch {}
  }
  return closed;
}
