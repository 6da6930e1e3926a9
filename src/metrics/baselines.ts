// The forecasts every model must beat, made at the model's own test points. A test point is an origin: the index
// of the last value the forecast may see; its H forecasts are of values origin+1 … origin+H. Arrays are
// [points, H], row-major.

import { DataError } from '../data/errors.ts';
import { checkSeason } from './accuracy.ts';

/** The values the forecasts at `origins` aim at. The series must hold origin+H for every origin. */
export function actualValues(series: ArrayLike<number>, origins: ArrayLike<number>, horizon: number): Float64Array {
  return build(origins, horizon, (o, h) => {
    const t = o + h;
    if (t >= series.length) throw new RangeError(`origin ${o} with horizon ${horizon} needs value ${t}; the series has ${series.length}`);
    return series[t]!;
  });
}

/** The last value seen, for every step. */
export function naiveForecast(series: ArrayLike<number>, origins: ArrayLike<number>, horizon: number): Float64Array {
  return build(origins, horizon, (o) => series[o]!);
}

/** For step h, the value one season before the target, from the seen part: y[o + h − m·ceil(h/m)]. */
export function seasonalNaiveForecast(series: ArrayLike<number>, origins: ArrayLike<number>, horizon: number, season: number): Float64Array {
  checkSeason(season);
  return build(origins, horizon, (o, h) => {
    const t = o + h - season * Math.ceil(h / season);
    if (t < 0) throw new DataError(`the seasonal-naive forecast with season ${season} needs ${season} values up to each test point; the first has ${o + 1}`);
    return series[t]!;
  });
}

/** Row r's window (inputs r … r+window−1) ends at origin r+window−1: the origins of a range of window rows. */
export function windowOrigins(rows: readonly [number, number], window: number): Int32Array {
  return Int32Array.from({ length: Math.max(0, rows[1] - rows[0]) }, (_, k) => rows[0] + k + window - 1);
}

function build(origins: ArrayLike<number>, horizon: number, at: (origin: number, step: number) => number): Float64Array {
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  const out = new Float64Array(origins.length * horizon);
  for (let p = 0; p < origins.length; p++) {
    const o = origins[p]!;
    if (!Number.isInteger(o) || o < 0) throw new RangeError(`origin must be a non-negative integer, got ${o}`);
    for (let h = 1; h <= horizon; h++) out[p * horizon + h - 1] = at(o, h);
  }
  return out;
}
