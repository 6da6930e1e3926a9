// Which process owns a lock or a temporary file: its pid and host. A pid alone is not enough (two containers both
// run their node as pid 1), and only on its own host can a process be found dead.
import { hostname } from 'node:os';

export interface Owner {
  pid: number;
  host: string;
}

/** This process, its host name reduced to characters that are safe in a file name. */
export function thisProcess(): Owner {
  return { pid: process.pid, host: hostname().replace(/[^\w.-]/g, '_') || 'host' };
}

/** True only when `o` is known to have ended: a process on this host that no longer runs. Another host's, or one
 *  that runs under another user (EPERM), counts as alive. */
export function isDead(o: Owner): boolean {
  const me = thisProcess();
  if (o.host !== me.host || !Number.isSafeInteger(o.pid) || o.pid <= 0) return false;
  if (o.pid === me.pid) return false;
  try {
    process.kill(o.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
