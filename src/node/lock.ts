// One writer per output folder: a lock file created with O_EXCL, holding who took it (pid, host, start time,
// command). A second run is refused with the holder's name; a lock whose process is known dead (same host, pid
// gone) is taken over, so a killed run never blocks the folder.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeErrorReason } from './files.ts';
import { isDead, thisProcess, type Owner } from './owner.ts';
import { UserError } from '../errors.ts';

export const LOCK_FILE = '.ingraph.lock';

export class LockError extends UserError {
  override name = 'LockError';
}

export interface LockHolder extends Owner {
  /** ISO time the lock was taken. */
  started: string;
  command: string;
  /** Tells this lock from a later one taken by a process that got the same pid. */
  token: string;
}

export interface FolderLock {
  readonly path: string;
  /** Removes the lock file if it is still this lock's (idempotent). */
  release(): void;
}

/** Takes the lock on `dir` (created if missing) for `command`, or throws a LockError naming the holder. */
export function lockFolder(dir: string, command = defaultCommand()): FolderLock {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { ...thisProcess(), started: new Date().toISOString(), command, token: randomBytes(8).toString('hex') };
  const fail = (e: unknown): never => {
    throw new LockError(`cannot lock ${dir} for writing: ${writeErrorReason(e)}`);
  };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    fail(e);
  }
  // Two tries: the second after removing a dead holder's lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return fail(e);
      const text = readText(path);
      const holder = parseHolder(text);
      if (!holder || !isDead(holder)) throw new LockError(`${dir} is in use: ${describe(holder, path)}; wait for that run to end or choose another folder`);
      // Only the lock judged dead is removed: one re-taken meanwhile by another run reads differently.
      if (readText(path) === text) rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    return {
      path,
      release: () => {
        if (parseHolder(readText(path))?.token === me.token) rmSync(path, { force: true });
      },
    };
  }
  throw new LockError(`${dir} is in use: another run took its lock at the same moment`);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h?.pid === 'number' && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

function describe(h: LockHolder | null, path: string): string {
  if (!h) return `its lock ${path} is held (unreadable; remove it if no run uses the folder)`;
  const cmd = String(h.command ?? '').slice(0, 120);
  return `locked by pid ${h.pid} on ${h.host} since ${h.started}${cmd ? ` (${cmd})` : ''}`;
}

function defaultCommand(): string {
  return ['ingraph', ...process.argv.slice(2)].join(' ');
}
