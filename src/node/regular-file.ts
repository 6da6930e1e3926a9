// Opening a file that must be a regular file: without blocking (a FIFO would wait for a writer forever), then
// refusing anything else (a device such as /dev/zero never ends). Shared by the model loader and the CSV reader.
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { errnoReason } from './errno.ts';

/** Why a file could not be opened, in words. */
export function fileErrorReason(e: unknown): string {
  return errnoReason(e, 'read');
}

/** The open file's descriptor and size; `fail(why)` makes the error thrown when it cannot be had. */
export function openRegularFile(path: string, fail: (why: string) => Error): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fail(fileErrorReason(e));
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw fail(`it is ${st.isDirectory() ? 'a folder' : 'not a regular file'}`);
  }
  return { fd, size: st.size };
}
