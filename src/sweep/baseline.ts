// The naive forecast every model must beat, scored on the very test rows the job scores the model on (the same
// windowing and split, or the backtest's folds), in the data's own units.

import { backtestSplits } from '../backtest/splits.ts';
import { accuracy } from '../metrics/accuracy.ts';
import { actualValues, naiveForecast, windowOrigins } from '../metrics/baselines.ts';
import { prepareDataset, singleSeries } from '../train/dataset.ts';

/** MSE of the last-value forecast on the test split for this window and horizon (the mean over the folds' test
 *  blocks with `folds`); null when there are no test rows or the series is too short (the job itself then fails
 *  with the reason). */
export function naiveMse(series: Float64Array, source: string, o: { window: number; horizon: number; folds?: number }): number | null {
  let splits;
  try {
    const d = prepareDataset(singleSeries(source, series), { window: o.window, horizon: o.horizon });
    splits = o.folds ? backtestSplits(d.count, o.folds, o.horizon) : [d.split];
  } catch {
    return null;
  }
  const scores = splits.map((s) => {
    const origins = windowOrigins(s.test, o.window);
    return origins.length ? accuracy(actualValues(series, origins, o.horizon), naiveForecast(series, origins, o.horizon), null).mse : null;
  });
  return scores.every((v) => v !== null) ? scores.reduce((a, b) => a + b!, 0) / scores.length : null;
}
