// Fresh temporary folders for a test file, all removed when the file's tests end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A function that makes a new empty folder named after `prefix` each call. */
export function tempDirs(prefix: string): () => string {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  after(() => rmSync(root, { recursive: true, force: true }));
  let seq = 0;
  return () => mkdtempSync(join(root, `${seq++}-`));
}
