// The backtest's folds as the trainer's splits: rolling origin over the window rows, and for a horizon of H steps
// the last H−1 training rows of each fold left out, so that no training target is one of the fold's test values.

import { DataError } from '../data/errors.ts';
import { rollingOriginFolds, type FoldOptions } from '../data/folds.ts';
import type { Split } from '../data/split.ts';

export function backtestSplits(rows: number, folds: number, horizon: number, o: FoldOptions = {}): Split[] {
  const splits = rollingOriginFolds(rows, folds, o).map((f) => ({ train: [f.train[0], f.train[1] - (horizon - 1)], test: f.test }) as Split);
  const short = splits.find((s) => s.train[1] - s.train[0] < 1);
  if (short) throw new DataError(`the first fold would have no training rows with a horizon of ${horizon}: use fewer folds or more data`);
  return splits;
}
