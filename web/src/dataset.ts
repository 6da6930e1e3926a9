// The series the page forecasts, windowed and split by the same shared code the trainer uses (src/data): one or
// several input columns, and the target column whose next `horizon` values the model forecasts.
import {
  CsvTableReader,
  forecastWindows,
  normalize,
  seriesSplit,
  tutorialSeries,
  type Examples,
  type Normalizer,
  type Split,
} from '../../src/data/index.ts';
import type { Manifest } from './artifacts.ts';

export interface Series {
  /** 'tutorial' or the CSV file's name, as the manifest's data.source spells it. */
  source: string;
  /** The input columns' names and values, in the order the model takes them as features. */
  names: string[];
  inputs: Float64Array[];
  /** The forecast column: one of the inputs, or another column of the file. */
  targetName: string;
  target: Float64Array;
}

export function tutorial(seed: number): Series {
  const values = tutorialSeries(seed);
  return { source: 'tutorial', names: ['value'], inputs: [values], targetName: 'value', target: values };
}

/** The columns to read from a CSV: the input columns, then the target when it is not one of them. */
export interface ColumnChoice {
  /** Empty: the file's first value column. */
  inputs: string[];
  /** Undefined: the first input. */
  target?: string;
}

/** The manifest describes the file `source` names when it was trained on it (by path or by file name). */
export function describes(manifest: Manifest | null, source: string): boolean {
  const s = manifest?.data?.source;
  return s !== undefined && (s === source || s.split(/[\\/]/).pop() === source);
}

/**
 * Which columns of a CSV the page reads: those the model was trained on when its manifest describes this file,
 * else the columns typed in the page (comma-separated; the first is the target).
 */
export function columnChoice(typed: string, manifest: Manifest | null, source: string): ColumnChoice {
  const d = manifest?.data;
  if (describes(manifest, source) && d?.columns) return { inputs: d.columns, ...(d.target !== undefined ? { target: d.target } : {}) };
  return { inputs: typed.split(',').map((c) => c.trim()).filter((c) => c !== '') };
}

export const sameChoice = (a: ColumnChoice, b: ColumnChoice) => a.inputs.join('\n') === b.inputs.join('\n') && a.target === b.target;

/** Streams a dropped file through the shared CSV reader, so a large file is never held as one string. */
export async function csvSeries(file: File, choice: ColumnChoice): Promise<Series> {
  const extra = choice.target !== undefined && !choice.inputs.includes(choice.target) ? [choice.target] : [];
  const columns = choice.inputs.length ? [...choice.inputs, ...extra] : undefined;
  const reader = new CsvTableReader({ columns, source: file.name });
  const stream = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await stream.read();
    if (done) break;
    reader.push(value);
  }
  const table = reader.end();
  const F = Math.max(1, choice.inputs.length);
  const t = extra.length ? F : choice.target === undefined ? 0 : choice.inputs.indexOf(choice.target);
  return { source: file.name, names: table.columns.slice(0, F), inputs: table.values.slice(0, F), targetName: table.columns[t]!, target: table.values[t]! };
}

export interface Prepared {
  series: Series;
  window: number;
  horizon: number;
  /** Windows over the series in its own units: what model.onnx takes and returns (any preprocessing is inside it). */
  windows: Examples;
  /** The same windows in the units train_step.onnx works in: normalised when the manifest says the model was
   *  trained on data normalised outside its graphs, else `windows` itself. */
  trainWindows: Examples;
  /** Window rows trained on, tested on and (from the manifest) validated on. */
  split: Split & { validation?: [number, number] };
  normalizer: Normalizer | null;
}

/** Where the data settings come from: the manifest when it describes this series, the trainer's defaults else. */
export function prepare(series: Series, window: number, horizon: number, manifest: Manifest | null): Prepared {
  const d = manifest?.data;
  const normalizer = d?.normalization ?? null;
  const windows = forecastWindows(series.inputs, series.target, { window, horizon });
  const trainWindows = normalizer
    ? forecastWindows(series.inputs.map((c) => normalize(c, normalizer)), normalize(series.target, normalizer), { window, horizon })
    : windows;
  const fits = (r: [number, number]) => r[0] >= 0 && r[1] <= windows.count;
  const split: Prepared['split'] = describes(manifest, series.source) && d?.split && fits(d.split.test) && fits(d.split.train)
    ? d.split
    : seriesSplit(windows.count, series.source === 'tutorial', horizon);
  return { series, window, horizon, windows, trainWindows, split, normalizer };
}
