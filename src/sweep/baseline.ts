// The naive forecast every model must beat, scored on the very test rows train() scores the model on (the same
// windowing and split), in the data's own units.

import { accuracy } from '../metrics/accuracy.ts';
import { actualValues, naiveForecast, windowOrigins } from '../metrics/baselines.ts';
import { prepareDataset, singleSeries } from '../train/dataset.ts';

/** MSE of the last-value forecast on the test split for this window; null when there are no test rows or the series
 *  is too short for the window (the job itself then fails with the reason). */
export function naiveMse(series: Float64Array, source: string, window: number): number | null {
  let d;
  try {
    d = prepareDataset(singleSeries(source, series), { window });
  } catch {
    return null;
  }
  const origins = windowOrigins(d.split.test, window);
  if (origins.length === 0) return null;
  return accuracy(actualValues(series, origins, 1), naiveForecast(series, origins, 1), null).mse;
}
