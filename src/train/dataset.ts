// The series a run trains on, windowed and split: the tutorial's (seeded) by default, or one CSV column.
import { DataError } from '../data/errors.ts';
import { fitNormalizer, normalize, type Normalizer } from '../data/normalize.ts';
import { tutorialSeries } from '../data/series.ts';
import { seriesSplit, type Split } from '../data/split.ts';
import { makeWindows, type Examples } from '../data/windows.ts';
import type { ColumnSpec, CsvReadOptions } from '../data/csv-table.ts';
import type { Frequency } from '../data/dates.ts';
import { readCsvTable } from '../node/csv-file.ts';

/** A CSV file's value column (default: the first numeric one that is not the date column) and how to read it. */
export interface DataSource extends CsvReadOptions {
  file: string;
  column?: ColumnSpec;
  /** Told what the reader noticed (filled cells, a long-format file, rows reordered); default: nothing. */
  onWarning?: (message: string) => void;
}

export interface LoadedSeries {
  series: Float64Array;
  source: string;
  /** Each value's date (ms since 1970, UTC) when the file has a date column. */
  dates: Float64Array | null;
  frequency: Frequency | null;
}

/** Windowed examples (normalised when a normaliser is set) with where they came from and how they split. */
export interface Dataset extends Examples {
  source: string;
  series: Float64Array;
  horizon: number;
  split: Split;
  normalization: Normalizer | null;
}

export async function loadSeries(src: DataSource | null, seed: number): Promise<LoadedSeries> {
  if (!src) return { series: tutorialSeries(seed), source: 'tutorial', dates: null, frequency: null };
  const { file, column, onWarning, ...read } = src;
  const t = await readCsvTable(file, { ...read, columns: column === undefined ? undefined : [column] });
  t.warnings.forEach((w) => onWarning?.(w));
  return { series: t.values[0]!, source: file, dates: t.dates, frequency: t.frequency };
}

/** Values beyond float32's range load as numbers but train as infinities: refuse them here, by row. */
function checkFloat32(series: Float64Array, source: string): void {
  const MAX = 3.4028234663852886e38;
  const i = series.findIndex((v) => !(Math.abs(v) <= MAX));
  if (i >= 0) throw new DataError(`${source}: value ${series[i]} (value ${i + 1} of the series) is outside float32's range (±3.4e38)`);
}

export function prepareDataset(series: Float64Array, source: string, o: { window: number; horizon?: number; normalize: boolean; normalization?: Normalizer }): Dataset {
  checkFloat32(series, source);
  const horizon = o.horizon ?? 1;
  const raw = makeWindows(series, { window: o.window, horizon });
  const split = seriesSplit(raw.count, source === 'tutorial');
  // Fitted on the values the training rows can see, never on the test rows; a resumed run keeps its own.
  const normalization = o.normalize ? (o.normalization ?? fitNormalizer(series.subarray(0, split.train[1] + o.window + horizon - 1))) : null;
  const use = normalization ? makeWindows(normalize(series, normalization), { window: o.window, horizon }) : raw;
  return { ...use, source, series, horizon, split, normalization };
}

/** Identifies a series' values (count and a 32-bit FNV-1a hash of their float64 bytes), for --resume's check. */
export function dataFingerprint(series: Float64Array): { values: number; hash: string } {
  const bytes = new Uint8Array(series.buffer, series.byteOffset, series.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return { values: series.length, hash: h.toString(16).padStart(8, '0') };
}
