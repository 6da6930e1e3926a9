// The test split judged as a forecaster should be: every metric in the data's units beside the naive and
// seasonal-naive forecasts at the same points, a one-line verdict, and the picture of it (forecast.svg).
import { DataError } from '../data/errors.ts';
import { evaluateForecast, type Evaluation } from '../metrics/evaluate.ts';
import { naiveForecast, seasonalNaiveForecast, windowOrigins } from '../metrics/baselines.ts';
import { forecastSvg } from '../plot/forecast-svg.ts';
import type { Dataset } from './dataset.ts';

/** What the verdict suggests when the model loses. */
/** What to try when the model loses to a baseline: the preprocessing it trained without first, then the sizes. */
export function adviceFor(s: { local: string; normalize: boolean }): string {
  const steps = [
    ...(s.local === 'none' ? ['--local last'] : []),
    ...(s.normalize ? [] : ['--normalize']),
    'a longer --window', 'a larger --hidden', 'a smaller --lr or more --epochs',
  ];
  return `try ${steps.slice(0, -1).join(', ')} or ${steps.at(-1)}`;
}

/** Test points shown before the picture's first test point, as a share of them. */
const CONTEXT = 0.5;

/** `forecast` ([rows, horizon], the model's outputs for the test rows) scored and drawn; `season` falls back to 1
 *  when the series has too few values before the first test point for the seasonal-naive forecast. */
export function testReport(d: Dataset, forecast: Float32Array, season: number, advice: string): { evaluation: Evaluation; svg: string } {
  const rows = d.split.test;
  const series = d.data.target;
  const origins = windowOrigins(rows, d.window);
  const first = origins[0]!;
  const m = first + 1 >= season ? season : 1;
  let evaluation: Evaluation;
  try {
    evaluation = evaluateForecast({ series, origins, horizon: d.horizon, forecast, season: m, trainEnd: first + 1, advice });
  } catch (e) {
    if (e instanceof RangeError) throw new DataError(`cannot score the test rows: ${e.message}`);
    throw e;
  }
  const H = d.horizon;
  const svg = forecastSvg({
    title: `${d.data.targetName}: test forecasts (${evaluation.verdict})`,
    actual: series, dates: d.data.dates, from: Math.max(0, Math.floor(first - CONTEXT * origins.length)),
    forecast: { name: 'model', origins, horizon: H, values: forecast },
    baselines: [
      { name: 'naive', origins, horizon: H, values: naiveForecast(series, origins, H) },
      ...(m > 1 ? [{ name: `seasonal naive (${m})`, origins, horizon: H, values: seasonalNaiveForecast(series, origins, H, m) }] : []),
    ],
  });
  return { evaluation, svg };
}
