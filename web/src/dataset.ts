// The series the page forecasts, windowed and split by the same shared code the trainer uses (src/data).
import {
  CsvColumnReader,
  makeWindows,
  normalize,
  seriesSplit,
  tutorialSeries,
  type Normalizer,
  type Split,
  type Windows,
} from '../../src/data/index.ts';
import type { Manifest } from './artifacts.ts';

export interface Series {
  /** 'tutorial' or the CSV file's name, as the manifest's data.source spells it. */
  source: string;
  values: Float64Array;
}

export function tutorial(seed: number): Series {
  return { source: 'tutorial', values: tutorialSeries(seed) };
}

/** Streams a dropped file through the shared CSV reader, so a large file is never held as one string. */
export async function csvSeries(file: File, column: string): Promise<Series> {
  const reader = new CsvColumnReader({ column: column.trim() === '' ? undefined : column, source: file.name });
  const stream = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await stream.read();
    if (done) break;
    reader.push(value);
  }
  return { source: file.name, values: reader.end() };
}

export interface Prepared {
  series: Series;
  window: number;
  horizon: number;
  /** Windows over the series in its own units: what model.onnx takes and returns (any normalisation is inside it). */
  windows: Windows;
  /** The same windows in the units train_step.onnx works in: normalised when the manifest says the model was
   *  trained on normalised data (train_step.onnx has no normalisation inside), else `windows` itself. */
  trainWindows: Windows;
  split: Split;
  normalizer: Normalizer | null;
}

/** Where the data settings come from: the manifest when it describes this series, the tutorial's defaults else. */
export function prepare(series: Series, window: number, manifest: Manifest | null): Prepared {
  const d = manifest?.data;
  const sameSource = d?.source !== undefined && (d.source === series.source || d.source.split(/[\\/]/).pop() === series.source);
  const horizon = d?.horizon ?? 1;
  const normalizer = d?.normalization ?? null;
  const windows = makeWindows(series.values, { window, horizon });
  const trainWindows = normalizer ? makeWindows(normalize(series.values, normalizer), { window, horizon }) : windows;
  const split: Split = sameSource && d?.split && d.split.test[1] <= windows.count && d.split.train[0] >= 0
    ? d.split
    : seriesSplit(windows.count, series.source === 'tutorial');
  return { series, window, horizon, windows, trainWindows, split, normalizer };
}
