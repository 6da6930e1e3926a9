// Standardisation fitted on the training split only, so no statistic of the test rows leaks into training.

import { DataError } from './errors.ts';

export interface Normalizer {
  mean: number;
  std: number;
}

/** Mean and population standard deviation (like scikit-learn's StandardScaler); a constant series gets std 1. */
export function fitNormalizer(values: ArrayLike<number>): Normalizer {
  const n = values.length;
  if (n === 0) throw new DataError('cannot fit a normaliser to no values');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  // Two passes: the one-pass formula loses precision when the mean is large against the spread.
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i]! - mean) ** 2;
  const std = Math.sqrt(sq / n);
  return { mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

export function normalize(values: ArrayLike<number>, n: Normalizer): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - n.mean) / n.std;
  return out;
}

export function denormalize(values: ArrayLike<number>, n: Normalizer): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * n.std + n.mean;
  return out;
}
