// Rolling-origin evaluation (time-series cross-validation): each fold trains on every row before its origin and
// tests on the next block; the origins move forward one block at a time, so the training window expands.

import { DataError } from './errors.ts';
import type { Split } from './split.ts';

export interface FoldOptions {
  /** Rows in each fold's test block; default: the rows after the first `minTrain`, shared equally by the folds. */
  testSize?: number;
  /** Training rows of the first fold at least; default: half the rows. */
  minTrain?: number;
}

/**
 * `folds` splits of `count` rows whose test blocks are consecutive and end at the last row: fold k trains on
 * [0, origin_k) and tests on [origin_k, origin_k + testSize), origin_k = count − (folds − k)·testSize.
 * Rows before the first origin that the equal blocks leave over train every fold.
 */
export function rollingOriginFolds(count: number, folds: number, opts: FoldOptions = {}): Split[] {
  positiveInteger('row count', count, 0);
  positiveInteger('folds', folds, 1);
  const minTrain = opts.minTrain ?? Math.max(1, Math.floor(count / 2));
  positiveInteger('minTrain', minTrain, 1);
  const testSize = opts.testSize ?? Math.floor((count - minTrain) / folds);
  if (opts.testSize !== undefined) positiveInteger('testSize', testSize, 1);
  const needed = minTrain + folds * Math.max(1, testSize);
  if (testSize < 1 || needed > count) {
    throw new DataError(`${folds} folds of ${plural(Math.max(1, testSize), 'test row')} after ${minTrain} training rows need ${needed} rows; there are ${count}: use fewer folds${opts.testSize ? ', a smaller test block' : ''} or more data`);
  }
  return Array.from({ length: folds }, (_, k) => {
    const origin = count - (folds - k) * testSize;
    return { train: [0, origin], test: [origin, origin + testSize] };
  });
}

function positiveInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
