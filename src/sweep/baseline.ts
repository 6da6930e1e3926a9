// The naive forecast every model must beat: the window's last value predicts the next, scored on the very test
// rows train() scores the model on (the same windowing and split), in the data's own units.

import { prepareDataset } from '../train/dataset.ts';

/** MSE of the last-value forecast on the test split for this window; null when there are no test rows or the series
 *  is too short for the window (the job itself then fails with the reason). */
export function naiveMse(series: Float64Array, source: string, window: number): number | null {
  let d;
  try {
    d = prepareDataset(series, source, { window, normalize: false });
  } catch {
    return null;
  }
  const [a, b] = d.split.test;
  if (b <= a) return null;
  let sum = 0;
  for (let r = a; r < b; r++) sum += (d.y[r]! - d.x[r * window + window - 1]!) ** 2;
  return sum / (b - a);
}
