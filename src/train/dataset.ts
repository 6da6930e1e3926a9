// The series a run trains on, windowed and split: the tutorial's (seeded) by default, or columns of a CSV file.
import type { ColumnSpec, CsvReadOptions } from '../data/csv-table.ts';
import type { Frequency } from '../data/dates.ts';
import { DataError } from '../data/errors.ts';
import { tutorialSeries } from '../data/series.ts';
import { seriesSplit, type Split } from '../data/split.ts';
import { forecastWindows, type Examples } from '../data/windows.ts';
import { readCsvTable } from '../node/csv-file.ts';

/** Where a run's data comes from: a CSV file, how to read it, the columns the model reads and the one it forecasts. */
export interface DataSource extends CsvReadOptions {
  file: string;
  /** The one column read and forecast: the same as columns [column] (default: the first numeric column that is not
   *  the date column). */
  column?: ColumnSpec;
  /** The input columns. */
  columns?: ColumnSpec[];
  /** The forecast column: one of the inputs or another column (default: the first input). */
  target?: ColumnSpec;
  /** Told what the reader noticed (filled cells, a long-format file, rows reordered); default: nothing. */
  onWarning?: (message: string) => void;
}

/** A run's series in the data's units. */
export interface SeriesData {
  source: string;
  /** The input columns' names and values, each as long as the target. */
  names: string[];
  inputs: Float64Array[];
  targetName: string;
  target: Float64Array;
  /** Where the target sits among the inputs; null when it is another column (the model never sees its past). */
  targetIndex: number | null;
  /** Each row's date (ms since 1970, UTC) and the step between them, when the file has a date column. */
  dates: Float64Array | null;
  frequency: Frequency | null;
}

export async function loadSeries(src: DataSource | null, seed: number): Promise<SeriesData> {
  if (!src) return singleSeries('tutorial', tutorialSeries(seed));
  if (src.column !== undefined && src.columns !== undefined) throw new DataError(`${src.file}: give one column or a list of columns, not both`);
  const { file, column, columns, target, onWarning, ...read } = src;
  const inputs = columns ?? (column !== undefined ? [column] : target !== undefined ? [target] : undefined);
  // The target is read as one more column unless it is written as one of the inputs.
  const extra = target !== undefined && !inputs!.some((c) => String(c) === String(target)) ? [target] : [];
  const specs = inputs ? [...inputs, ...extra] : undefined;
  const table = await readCsvTable(file, { ...read, columns: specs });
  table.warnings.forEach((w) => onWarning?.(w));
  const F = inputs?.length ?? 1;
  const t = target === undefined ? 0 : extra.length ? F : inputs!.findIndex((c) => String(c) === String(target));
  // A target named by index among inputs named by header (or the reverse) is still one of the inputs.
  const found = table.columns.slice(0, F).indexOf(table.columns[t]!);
  const targetIndex = found >= 0 ? found : null;
  return {
    source: file, names: table.columns.slice(0, F), inputs: table.values.slice(0, F), targetName: table.columns[t]!, target: table.values[t]!,
    targetIndex, dates: table.dates, frequency: table.frequency,
  };
}

/** One series, read and forecast. */
export function singleSeries(source: string, series: Float64Array, name = 'value'): SeriesData {
  return { source, names: [name], inputs: [series], targetName: name, target: series, targetIndex: 0, dates: null, frequency: null };
}

/** Windowed examples in the data's units, with where they came from and how they split. */
export interface Dataset extends Examples {
  source: string;
  data: SeriesData;
  /** Values forecast per window: the target's next `horizon` values. */
  horizon: number;
  split: Split;
}

/** Values beyond float32's range load as numbers but train as infinities: refuse them here, by row. */
function checkFloat32(series: Float64Array, source: string, name: string): void {
  const MAX = 3.4028234663852886e38;
  const i = series.findIndex((v) => !(Math.abs(v) <= MAX));
  if (i >= 0) throw new DataError(`${source}: value ${series[i]} (value ${i + 1} of ${name}) is outside float32's range (±3.4e38)`);
}

/**
 * The windows of `data` and their split: `o.split` when given (rows of these windows, as Dataset.split), else the
 * tutorial's own or the first 80% training. A default split of a horizon above 1 leaves horizon-1 rows out between
 * train and test, so no training target is a test target.
 */
export function prepareDataset(data: SeriesData, o: { window: number; horizon?: number; split?: Split }): Dataset {
  const one = data.inputs.length === 1 && data.targetIndex === 0;
  for (const [k, c] of data.inputs.entries()) checkFloat32(c, data.source, one ? 'the series' : `column ${data.names[k]}`);
  if (data.targetIndex === null) checkFloat32(data.target, data.source, `column ${data.targetName}`);
  const horizon = o.horizon ?? 1;
  const ex = forecastWindows(data.inputs, data.target, { window: o.window, horizon });
  const split = o.split ?? seriesSplit(ex.count, data.source === 'tutorial', horizon);
  checkSplit(split, ex.count);
  return { ...ex, source: data.source, data, horizon, split };
}

function checkSplit(s: Split, count: number): void {
  for (const [name, [a, b]] of Object.entries(s)) {
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= b && b <= count)) {
      throw new DataError(`the ${name} rows [${a}, ${b}) are not within the ${count} windows of the series`);
    }
  }
  if (s.train[1] <= s.train[0]) throw new DataError(`no training rows: the split's train rows are [${s.train[0]}, ${s.train[1]})`);
}

/** Identifies a run's values (count and a 32-bit FNV-1a hash of their float64 bytes), for --resume's check. */
export function dataFingerprint(data: SeriesData): { values: number; hash: string } {
  let h = 0x811c9dc5, values = 0;
  const columns = data.targetIndex === null ? [...data.inputs, data.target] : data.inputs;
  for (const series of columns) {
    const bytes = new Uint8Array(series.buffer, series.byteOffset, series.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
    values += series.length;
  }
  return { values, hash: h.toString(16).padStart(8, '0') };
}
