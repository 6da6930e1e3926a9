// One epoch's mini-batches as row indices, like PyTorch's DataLoader(shuffle=..., drop_last=False).

import type { Rng } from './rng.ts';

/**
 * Rows 0..rows-1 split into batches of batchSize, the last one partial; shuffled by Fisher–Yates with `rng`
 * (exactly rows-1 draws, so the rng's state afterwards depends only on its state before), or in order when null.
 */
export function epochBatches(rows: number, batchSize: number, rng: Rng | null): Int32Array[] {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  }
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  if (rng) {
    for (let i = rows - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  }
  const batches: Int32Array[] = [];
  // Copies, not views, so each batch's buffer holds just that batch when handed to a tensor.
  for (let start = 0; start < rows; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}
