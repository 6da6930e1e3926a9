// `forecast`: a trained model folder (model.onnx and its manifest.json) forecasts a series N steps past its end,
// directly up to the model's horizon and recursively beyond (src/forecast/ahead.ts), and writes the forecasts as
// CSV with a picture beside the naive and seasonal-naive forecasts from the same last value.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FILES, type Manifest } from '../artifacts/manifest.ts';
import { formatDate, guessSeason } from '../data/dates.ts';
import { naiveForecast, seasonalNaiveForecast } from '../metrics/baselines.ts';
import { forecastSvg } from '../plot/forecast-svg.ts';
import { readManifestIn } from '../node/artifacts.ts';
import { loadSeries, type DataSource, type SeriesData } from '../train/dataset.ts';
import { createSession, type SessionOptions } from '../train/providers.ts';
import { forecastAhead, type ForecastMethod } from './ahead.ts';
import { ForecastError } from './errors.ts';
import { futureDates } from './future-dates.ts';

export interface ForecastOptions {
  /** The model folder: model.onnx and manifest.json, as train writes them. */
  model: string;
  /** The series to continue; columns default to those the model was trained on, in the same order. Null: the
   *  tutorial's series with the seed the model was trained on. */
  data: DataSource | null;
  steps: number;
  ep?: SessionOptions['ep'];
  device?: number;
}

export interface Forecast {
  series: SeriesData;
  window: number;
  horizon: number;
  /** Steps 1 … horizon come from the model directly; later ones from its own forecasts fed back. */
  method: ForecastMethod;
  runs: number;
  values: Float64Array;
  /** The forecasts' dates when the series has a date column with a known frequency, else null. */
  dates: Float64Array | null;
}

export async function forecast(o: ForecastOptions): Promise<Forecast> {
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new ForecastError(`--steps must be a whole number ≥ 1, got ${o.steps}`);
  const manifest = readModelFolder(o.model);
  const info = manifest.data;
  const window = info?.window ?? manifest.config?.window;
  const horizon = info?.horizon ?? manifest.config?.outputs;
  const features = manifest.input.dims.at(-1);
  if (!window || !horizon || typeof features !== 'number') throw new ForecastError(`${join(o.model, FILES.manifest)} does not say the model's window, horizon and features`);
  const series = await loadSeries(o.data && withModelColumns(o.data, manifest), info?.seed ?? 0);
  if (series.inputs.length !== features) {
    throw new ForecastError(`the model reads ${features} column${features === 1 ? '' : 's'}${info?.columns ? ` (${info.columns.join(', ')})` : ''}; ${series.source} gave ${series.inputs.length} (${series.names.join(', ')})`);
  }
  const session = await createSession(join(o.model, FILES.model), { ep: o.ep ?? 'cpu', deviceId: o.device });
  try {
    const r = await forecastAhead({
      inputs: series.inputs, names: series.names, targetIndex: series.targetIndex, window, horizon, steps: o.steps,
      run: async (x) => {
        const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [1, window, features]) });
        return out[session.outputNames[0]!]!.data as Float32Array;
      },
    });
    const last = series.dates?.at(-1);
    const dates = last !== undefined && series.frequency ? futureDates(last, series.frequency, o.steps) : null;
    return { series, window, horizon, ...r, dates };
  } finally {
    await session.release();
  }
}

/** The folder's manifest, after checking that the folder holds a model: one line for each thing missing. */
function readModelFolder(dir: string): Manifest {
  if (!existsSync(dir)) throw new ForecastError(`--model ${dir}: no such folder`);
  if (dir.endsWith('.onnx')) {
    throw new ForecastError(`--model takes the model's folder (with ${FILES.model} and ${FILES.manifest}), not the file: give --model ${join(dir, '..')}`);
  }
  for (const f of [FILES.model, FILES.manifest]) {
    if (!existsSync(join(dir, f))) throw new ForecastError(`--model ${dir}: the folder has no ${f} (train writes it)`);
  }
  try {
    return readManifestIn(dir)!; // there: checked above
  } catch (e) {
    throw new ForecastError((e as Error).message);
  }
}

/** Without columns on the command line, the model's own; columns given keep the target's place among them. */
function withModelColumns(src: DataSource, m: Manifest): DataSource {
  const columns = m.data?.columns;
  const target = m.data?.target;
  const given = src.columns ?? (src.column !== undefined ? [src.column] : undefined);
  if (src.target !== undefined || !columns || !target) return src;
  if (!given) return { ...src, columns, target };
  const at = columns.indexOf(target);
  return at >= 0 && at < given.length ? { ...src, target: given[at] } : src;
}

/** forecast.csv: step, date (when known), the forecast, and whether it came from the model directly. */
export function forecastCsv(f: Forecast): string {
  const head = ['step', ...(f.dates ? ['date'] : []), f.series.targetName, 'method'];
  const rows = Array.from(f.values, (v, i) => [i + 1, ...(f.dates ? [formatDate(f.dates[i]!)] : []), v, i < f.horizon ? 'direct' : 'recursive'].join(','));
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

/** The series' recent past, the forecast, and the naive and seasonal-naive forecasts from the same last value. */
export function forecastPicture(f: Forecast): string {
  const target = f.series.target;
  const n = target.length;
  const origins = [n - 1];
  const steps = f.values.length;
  const season = guessSeason(f.series.frequency);
  return forecastSvg({
    title: `${f.series.targetName}: ${steps} step${steps === 1 ? '' : 's'} past the end (${describeMethod(f)})`,
    actual: target, dates: f.series.dates, from: Math.max(0, n - Math.max(4 * steps, 3 * season, 2 * f.window)),
    forecast: { name: 'model', origins, horizon: steps, values: f.values },
    baselines: [
      { name: 'naive', origins, horizon: steps, values: naiveForecast(target, origins, steps) },
      ...(season > 1 && n >= season ? [{ name: `seasonal naive (${season})`, origins, horizon: steps, values: seasonalNaiveForecast(target, origins, steps, season) }] : []),
    ],
  });
}

/** "direct: the model's horizon is 12", or "step 1 direct, 2–24 recursive (24 runs, each fed the forecasts before it)". */
export function describeMethod(f: Pick<Forecast, 'method' | 'horizon' | 'runs' | 'values'>): string {
  if (f.method === 'direct') return `direct: the model's horizon is ${f.horizon}`;
  const direct = f.horizon === 1 ? 'step 1' : `steps 1–${f.horizon}`;
  return `${direct} direct, ${f.horizon + 1}–${f.values.length} recursive (${f.runs} runs, each fed the forecasts before it)`;
}
