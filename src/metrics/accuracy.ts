// Forecast accuracy in the data's own units over test points of H steps each: every array is [points, H], row-major.

export interface Accuracy {
  mse: number;
  rmse: number;
  mae: number;
  /** Symmetric MAPE on the 0–200 scale: mean of 200·|F − A| / (|A| + |F|); a term with A = F = 0 counts 0. */
  smape: number;
  /** MAE over the in-sample MAE of the seasonal-naive forecast (see maseScale); null when that scale is 0 or
   *  unknown (a constant or too short training part). */
  mase: number | null;
}

/** Every metric of `forecast` against `actual` (equally long, at least one value); `scale` divides the MAE into
 *  the MASE. */
export function accuracy(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number | null): Accuracy {
  const n = actual.length;
  if (forecast.length !== n) throw new RangeError(`${forecast.length} forecasts for ${n} actual values`);
  if (n === 0) throw new RangeError('no values to score');
  let se = 0;
  let ae = 0;
  let sape = 0;
  for (let i = 0; i < n; i++) {
    const a = actual[i]!;
    const f = forecast[i]!;
    const e = Math.abs(f - a);
    se += e * e;
    ae += e;
    const denominator = Math.abs(a) + Math.abs(f);
    if (denominator > 0) sape += (200 * e) / denominator;
  }
  const mse = se / n;
  const mae = ae / n;
  return { mse, rmse: Math.sqrt(mse), mae, smape: sape / n, mase: scale !== null && scale > 0 ? mae / scale : null };
}

/** MASE's denominator (Hyndman & Koehler, 2006): the mean |y[t] − y[t−m]| over the training values [0, end); m = 1
 *  is the naive forecast's. Null when the training part has no value m steps back. */
export function maseScale(values: ArrayLike<number>, season: number, end = values.length): number | null {
  checkSeason(season);
  if (!(Number.isInteger(end) && end >= 0 && end <= values.length)) throw new RangeError(`end must be an integer in [0, ${values.length}], got ${end}`);
  if (end <= season) return null;
  let sum = 0;
  for (let t = season; t < end; t++) sum += Math.abs(values[t]! - values[t - season]!);
  return sum / (end - season);
}

export function checkSeason(season: number): void {
  if (!Number.isInteger(season) || season < 1) throw new RangeError(`season must be a positive integer, got ${season}`);
}
