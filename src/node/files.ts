// File writes that never leave a half-written file behind: write a temporary file in the same folder, flush it,
// then rename it over the target (rename is atomic on POSIX file systems), then flush the folder. A process killed
// mid-write leaves its temporary file; the next write of the same target removes it.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class WriteError extends Error {
  override name = 'UserError';
}

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    removeStaleTemps(dir, basename(path));
    try {
      const dfd = openSync(dir, 'r');
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      // Some file systems refuse fsync on a folder; the rename has still happened.
    }
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The temporary file never existed (its folder could not be made): nothing to clean up.
    }
    throw new WriteError(`cannot write ${path}: ${why(e)}; the previous file, if any, is unchanged`);
  }
}

/** Temporary files of `name` left by writers that no longer run (killed mid-write); a live writer's stay. */
function removeStaleTemps(dir: string, name: string): void {
  const prefix = `.${name}.`;
  try {
    for (const f of readdirSync(dir)) {
      if (!f.startsWith(prefix) || !f.endsWith('.tmp')) continue;
      const pid = Number(f.slice(prefix.length, -'.tmp'.length));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) rmSync(join(dir, f), { force: true });
    }
  } catch {
    // Tidying up is best effort: the write itself has succeeded.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function why(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOSPC': return 'the disk is full';
    case 'EDQUOT': return 'the disk quota is used up';
    case 'EFBIG': return 'the file is larger than the file system or the process\'s file size limit allows';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS': return 'the folder is not writable';
    case 'ENOTDIR':
    case 'EEXIST': return 'a folder on its path is a file';
    case 'EISDIR': return 'it is a folder';
    default: return e instanceof Error ? e.message : String(e);
  }
}
