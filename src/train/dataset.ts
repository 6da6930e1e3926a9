// The series a run trains on, windowed and split: the tutorial's (seeded) by default, or one CSV column.
import { chronologicalSplit, type Split } from '../data/split.ts';
import { fitNormalizer, normalize, type Normalizer } from '../data/normalize.ts';
import { tutorialSeries } from '../data/series.ts';
import { makeWindows } from '../data/windows.ts';
import type { ColumnSpec } from '../data/csv.ts';
import { readCsvColumnFile } from '../node/csv-file.ts';

export interface DataSource {
  file: string;
  column?: ColumnSpec;
}

export interface Dataset {
  source: string;
  series: Float64Array;
  x: Float32Array; // [count, window, 1], normalised when a normaliser is set
  y: Float32Array; // [count, 1]
  count: number;
  window: number;
  horizon: number;
  split: Split;
  normalization: Normalizer | null;
}

/** The tutorial series splits 360/350 as the tutorial does; other series 80/20. */
const TUTORIAL_TRAIN_ROWS = 360;
const CSV_TRAIN_FRACTION = 0.8;

export async function loadSeries(src: DataSource | null, seed: number): Promise<{ series: Float64Array; source: string }> {
  if (!src) return { series: tutorialSeries(seed), source: 'tutorial' };
  return { series: await readCsvColumnFile(src.file, { column: src.column }), source: src.file };
}

export function prepareDataset(series: Float64Array, source: string, o: { window: number; horizon?: number; normalize: boolean }): Dataset {
  const horizon = o.horizon ?? 1;
  const raw = makeWindows(series, { window: o.window, horizon });
  const split = chronologicalSplit(raw.count, source === 'tutorial' ? { train: TUTORIAL_TRAIN_ROWS } : { fraction: CSV_TRAIN_FRACTION });
  // Fitted on the values the training rows can see, never on the test rows.
  const normalization = o.normalize ? fitNormalizer(series.subarray(0, split.train[1] + o.window + horizon - 1)) : null;
  const use = normalization ? makeWindows(normalize(series, normalization), { window: o.window, horizon }) : raw;
  return { source, series, x: use.x, y: use.y, count: raw.count, window: o.window, horizon, split, normalization };
}

/** Rows `rows` (indices into the dataset) gathered into contiguous x [n, window, 1] and y [n, 1]. */
export function gatherRows(d: Dataset, rows: ArrayLike<number>, x: Float32Array, y: Float32Array, at = 0): void {
  const w = d.window;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    x.set(d.x.subarray(r * w, (r + 1) * w), (at + k) * w);
    y[at + k] = d.y[r]!;
  }
}
