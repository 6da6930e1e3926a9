// A failed file operation's errno in words, for one-line messages. One table for reading and writing: the same
// code reads differently when a file could not be opened than when a folder could not be written.

type Reason = string | { read: string; write: string };

const REASONS: Record<string, Reason> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a folder on its path is a file',
  EEXIST: 'a folder on its path is a file',
  ELOOP: 'too many symbolic links',
  EACCES: { read: 'permission denied', write: 'the folder is not writable' },
  EPERM: { read: 'permission denied', write: 'the folder is not writable' },
  EROFS: { read: 'permission denied', write: 'the folder is not writable' },
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is larger than the file system or the process\'s file size limit allows',
};

export function errnoReason(e: unknown, op: 'read' | 'write'): string {
  const r = REASONS[(e as NodeJS.ErrnoException).code ?? ''];
  if (r === undefined) return e instanceof Error ? e.message : String(e);
  return typeof r === 'string' ? r : r[op];
}
