// Truncating train-log.jsonl for a resumed run writes the shorter log beside the old one and renames it over, so a
// kill at any moment leaves one whole log or the other (a plain rewrite in place once left 3,000 lines as 0).
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { truncateLog } from '../../src/train/train-log.ts';

const root = mkdtempSync(join(tmpdir(), 'ingraph-train-log-'));
after(() => rmSync(root, { recursive: true, force: true }));

const lines = (n: number) => Array.from({ length: n }, (_, i) => `${JSON.stringify({ epoch: i + 1, train_loss: 1 / (i + 1), test_loss: null, seconds: i })}\n`).join('');

for (const keep of [1200, 0]) {
  test(`truncating 3,000 lines to ${keep} replaces the file whole: a reader of the old file still sees all of it`, () => {
    const path = join(root, `log-${keep}.jsonl`);
    const old = lines(3000);
    writeFileSync(path, `${old}{"epoch": 3001, "train_lo`);
    // The old file, held open as a process killed mid-truncation would leave it on disk.
    const fd = openSync(path, 'r');
    try {
      const inode = statSync(path).ino;
      truncateLog(path, keep);
      assert.notEqual(statSync(path).ino, inode, 'a new file was renamed into place');
      const buf = Buffer.alloc(old.length + 100);
      const n = readSync(fd, buf, 0, buf.length, 0);
      assert.ok(buf.subarray(0, n).toString().startsWith(old), 'the old log was never rewritten in place');
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(path, 'utf8'), lines(keep), 'the torn last line and the epochs after the checkpoint are gone');
    assert.deepEqual(readdirSync(root).filter((f) => f.endsWith('.tmp')), []);
  });
}
