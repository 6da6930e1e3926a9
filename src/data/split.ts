// Chronological train/test split of window rows: the test rows follow the training rows, never mixed in.

import { DataError } from './errors.ts';
import { TUTORIAL_TRAIN_ROWS } from './series.ts';

/** Share of a series' windows that trains, when the series is not the tutorial's. */
export const TRAIN_FRACTION = 0.8;

export type SplitSpec = { train: number } | { fraction: number };

export interface Split {
  /** Half-open row range [start, end). */
  train: [number, number];
  test: [number, number];
}

/** The first rows train, the rest test; `fraction` takes floor(fraction·count) training rows. */
export function chronologicalSplit(count: number, spec: SplitSpec): Split {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`row count must be a non-negative integer, got ${count}`);
  let train: number;
  if ('train' in spec) {
    if (!Number.isInteger(spec.train) || spec.train < 1) {
      throw new RangeError(`train rows must be a positive integer, got ${spec.train}`);
    }
    train = spec.train;
  } else {
    const f = spec.fraction;
    if (!(f > 0 && f <= 1)) throw new RangeError(`train fraction must be in (0, 1], got ${f}`);
    // The epsilon keeps 0.29·100 at 29 rather than 28.999… → 28.
    train = Math.floor(f * count + 1e-9);
    if (train < 1) throw new DataError(`train fraction ${f} of ${count} rows leaves no training rows`);
  }
  if (train > count) throw new DataError(`${train} training rows were asked for, but there are only ${count} rows`);
  return { train: [0, train], test: [train, count] };
}

/** The split every trainer and the viewer use: the tutorial's own for its series (when it has the rows), else the
 *  first TRAIN_FRACTION of the windows. A horizon above 1 leaves horizon-1 rows out between train and test, so no
 *  training target is a test target (a window's targets are its next `horizon` values). */
export function seriesSplit(count: number, tutorial: boolean, horizon = 1): Split {
  const s = chronologicalSplit(count, tutorial && count > TUTORIAL_TRAIN_ROWS ? { train: TUTORIAL_TRAIN_ROWS } : { fraction: TRAIN_FRACTION });
  const end = Math.max(s.train[0] + 1, s.train[1] - (horizon - 1));
  return { train: [s.train[0], Math.min(end, s.train[1])], test: s.test };
}
