// train-log.jsonl: one JSON line per epoch.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../node/files.ts';

export interface LogLine {
  epoch: number;
  train_loss: number;
  val_loss: number | null;
  test_loss: number | null;
  /** The learning rate the epoch trained at. */
  lr: number;
  seconds: number;
}

/** One append for the epochs of one session run: they end together, and a write per epoch was ~35 µs each. */
export function appendLog(path: string, lines: readonly LogLine[]): void {
  if (lines.length) appendFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

/** A resumed run rewrites the epochs after its checkpoint, so their old lines go; the shorter log replaces the old
 *  one whole (a kill meanwhile leaves one or the other, never an empty log). */
export function truncateLog(path: string, epoch: number): void {
  if (!existsSync(path)) return;
  if (epoch === 0) return writeFileAtomic(path, '');
  // A line torn by a crash mid-append is dropped with the epochs after the checkpoint.
  const epochOf = (l: string) => {
    try {
      return (JSON.parse(l) as { epoch: number }).epoch;
    } catch {
      return Infinity;
    }
  };
  const keep = readFileSync(path, 'utf8').split('\n').filter((l) => l && epochOf(l) <= epoch);
  writeFileAtomic(path, keep.map((l) => `${l}\n`));
}

