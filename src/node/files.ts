// File writes that never leave a half-written file behind: write a temporary file in the same folder, flush it,
// then rename it over the target (rename is atomic on POSIX file systems), then flush the folder. A process killed
// mid-write leaves its temporary file; the next write of the same target removes it. Temporary names hold the host,
// the pid and a random part, so two writers never share one (two containers can both be pid 1).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoReason } from './errno.ts';
import { isDead, thisProcess } from './owner.ts';
import { UserError } from '../errors.ts';

export class WriteError extends UserError {
  override name = 'WriteError';
}

/** Writes `data`: bytes, text, or text in pieces (so that a large file need not be one string). */
export function writeFileAtomic(path: string, data: Uint8Array | string | Iterable<string>): void {
  const dir = dirname(path);
  const me = thisProcess();
  const tmp = join(dir, `.${basename(path)}.${me.host}.${me.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const pieces = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      for (const piece of pieces) {
        const bytes = typeof piece === 'string' ? new TextEncoder().encode(piece) : piece;
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      }
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
    throw new WriteError(`cannot write ${path}: ${writeErrorReason(e)}; the previous file, if any, is unchanged`);
  }
}

/** Temporary files of `name` left by writers that no longer run (killed mid-write); a live writer's stay, and so do
 *  those of writers on other hosts, which cannot be checked. */
function removeStaleTemps(dir: string, name: string): void {
  const prefix = `.${name}.`;
  try {
    for (const f of readdirSync(dir)) {
      if (!f.startsWith(prefix) || !f.endsWith('.tmp')) continue;
      // host.pid.random: the host may itself hold dots, so read from the end.
      const parts = f.slice(prefix.length, -'.tmp'.length).split('.');
      if (parts.length < 3) continue;
      const owner = { host: parts.slice(0, -2).join('.'), pid: Number(parts.at(-2)) };
      if (isDead(owner)) rmSync(join(dir, f), { force: true });
    }
  } catch {
    // Tidying up is best effort: the write itself has succeeded.
  }
}

/** Why a file could not be written, in words. */
export function writeErrorReason(e: unknown): string {
  return errnoReason(e, 'write');
}
