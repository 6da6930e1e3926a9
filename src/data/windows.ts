// Sliding windows over a series, laid out as the LSTM's batch-first input [count, window, 1] and target [count, 1],
// and the general form every trainer takes: examples with F input features and O outputs.

import { DataError } from './errors.ts';

export interface WindowOptions {
  /** Input length (time steps per row). */
  window: number;
  /** How far past the window's last value the target lies; 1 = the next value. */
  horizon?: number;
}

/** Training examples: `count` rows of input x [window, features] and target y [outputs], row-major. */
export interface Examples {
  /** [count, window, features] */
  x: Float32Array;
  /** [count, outputs] */
  y: Float32Array;
  count: number;
  window: number;
  features: number;
  outputs: number;
}

/** One series' windows: one feature in, one value out. */
export interface Windows extends Examples {
  features: 1;
  outputs: 1;
}

/** Rows `rows` of `ex` copied into contiguous x and y, starting at row `at` of those. */
export function gatherRows(ex: Examples, rows: ArrayLike<number>, x: Float32Array, y: Float32Array, at = 0): void {
  const xs = ex.window * ex.features, ys = ex.outputs;
  // Plain loops: a subarray and a set per row allocated two views a row, ~50 µs a tutorial step (a tenth of it).
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    copy(ex.x, r * xs, x, (at + k) * xs, xs);
    copy(ex.y, r * ys, y, (at + k) * ys, ys);
  }
}

function copy(from: Float32Array, start: number, to: Float32Array, at: number, n: number): void {
  if (start < 0 || start + n > from.length) throw new RangeError(`rows ${start}..${start + n} outside ${from.length} values`);
  for (let j = 0; j < n; j++) to[at + j] = from[start + j]!;
}

export interface WindowInputs {
  x: Float32Array;
  count: number;
  window: number;
}

/** Row i: input series[i .. i+window-1], target series[i+window+horizon-1]. */
export function makeWindows(series: ArrayLike<number>, opts: WindowOptions): Windows {
  const { window } = opts;
  const horizon = opts.horizon ?? 1;
  checkPositiveInteger('window', window);
  checkPositiveInteger('horizon', horizon);
  const needed = window + horizon;
  if (series.length < needed) {
    throw new DataError(
      `the series has ${series.length} values; window ${window} with horizon ${horizon} needs at least ${needed}`,
    );
  }
  const count = series.length - needed + 1;
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) y[i] = series[i + needed - 1]!;
  return { x: windowBatch(series, window, 0, count), y, count, window, features: 1, outputs: 1 };
}

/** Several columns in, the next `horizon` values of a target out: row i's input is rows i .. i+window-1 of every
 *  column ([window, features], time-major), its target target[i+window .. i+window+horizon-1]. */
export function forecastWindows(columns: readonly ArrayLike<number>[], target: ArrayLike<number>, o: { window: number; horizon: number }): Examples {
  const { window, horizon } = o;
  checkPositiveInteger('window', window);
  checkPositiveInteger('horizon', horizon);
  const F = columns.length;
  if (F < 1) throw new RangeError('forecast windows need at least one input column');
  const n = target.length;
  if (columns.some((c) => c.length !== n)) throw new RangeError('every input column must be as long as the target');
  if (n < window + horizon) {
    throw new DataError(`the series has ${n} values; window ${window} with horizon ${horizon} needs at least ${window + horizon}`);
  }
  const count = n - window - horizon + 1;
  const y = new Float32Array(count * horizon);
  for (let i = 0; i < count; i++) for (let h = 0; h < horizon; h++) y[i * horizon + h] = target[i + window + h]!;
  return { x: columnsBatch(columns, window, 0, count), y, count, window, features: F, outputs: horizon };
}

/**
 * Every window's input, including the last one, which has no target: prediction writes one value per window,
 * row i forecasting series[i+window], so count = length - window + 1.
 */
export function windowInputs(series: ArrayLike<number>, window: number): WindowInputs {
  const count = windowCount(series, window);
  return { x: windowBatch(series, window, 0, count), count, window };
}

/** How many windows windowInputs makes: one per start position, the last one included. */
export function windowCount(series: ArrayLike<number>, window: number): number {
  checkPositiveInteger('window', window);
  if (series.length < window) {
    throw new DataError(`the series has ${series.length} values; window ${window} needs at least ${window}`);
  }
  return series.length - window + 1;
}

/**
 * The inputs of windows first .. first+count-1 as [rows, window, 1]; rows past `count` stay zero (a model with a
 * fixed batch gets its last batch padded). Lets a long series be fed a batch at a time, never all windows at once.
 */
export function windowBatch(series: ArrayLike<number>, window: number, first: number, count: number, rows = count): Float32Array {
  return columnsBatch([series], window, first, count, rows);
}

/** The same over several equally long columns: [rows, window, columns], each time step's values side by side. */
export function columnsBatch(columns: readonly ArrayLike<number>[], window: number, first: number, count: number, rows = count): Float32Array {
  const F = columns.length;
  const x = new Float32Array(rows * window * F);
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < window; t++) for (let f = 0; f < F; f++) x[(i * window + t) * F + f] = columns[f]![first + i + t]!;
  }
  return x;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
}
