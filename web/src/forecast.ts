// Forecasts on the test split: from each test window the model's next `horizon` values (a fan of paths), scored
// beside the naive and seasonal-naive forecasts at the same points by the trainer's own metrics (src/metrics); the
// forecast past the end of the series; and, for a one-column one-step model, a rollout that feeds each prediction
// back in. model.onnx takes and returns values in the series' own units (any preprocessing is inside it), so
// nothing is mapped here.
import { columnsBatch } from '../../src/data/index.ts';
import { actualValues, evaluateForecast, windowOrigins, type Evaluation } from '../../src/metrics/index.ts';
import type { Prepared } from './dataset.ts';
import type { Runner } from './runtime.ts';

export interface TestForecast {
  /** Per test row, the index of the last value its window sees; row i forecasts target[origins[i] + 1 …]. */
  origins: Int32Array;
  horizon: number;
  /** The model's outputs for the test rows, [rows, horizon]. */
  outputs: Float32Array;
  /** Mean squared error over every output, in the series' units (the trainer's test MSE). */
  mse: number;
  testX: Float32Array;
  testRows: number;
}

export interface Forecast extends TestForecast {
  /** Every metric beside the naive and seasonal-naive forecasts at the same points. */
  evaluation: Evaluation;
  /** The next `horizon` values after the end of the series, from its last window. */
  ahead: Float32Array;
  /** Rollout predictions of the test targets, or null when there is nothing to feed back (a horizon above 1, or
   *  inputs other than the target alone). */
  rollout: Float64Array | null;
}

/** The model on every test window: what the page shows and what a fine-tune's epochs are scored by. */
export async function testForecast(runner: Runner, p: Prepared): Promise<TestForecast> {
  const { windows, split, window, horizon } = p;
  const [t0, t1] = split.test;
  const rows = t1 - t0;
  if (rows < 1) throw new Error('the test split is empty');
  const stride = window * windows.features;
  const testX = windows.x.slice(t0 * stride, t1 * stride);
  const y = await runner.predict(testX, rows);
  if (y.perRow !== horizon) throw new Error(`the model forecasts ${y.perRow} values per window; its manifest says the horizon is ${horizon}`);
  const origins = windowOrigins(split.test, window);
  // Against the series in float64, as the metrics beside the baselines are: the page's MSE is their model MSE.
  const actual = actualValues(p.series.target, origins, horizon);
  let sq = 0;
  for (let i = 0; i < actual.length; i++) sq += (y.values[i]! - actual[i]!) ** 2;
  return { origins, horizon, outputs: y.values, mse: sq / actual.length, testX, testRows: rows };
}

/** `season`: m for the seasonal-naive forecast and MASE (the trainer's, from metrics.json; 1 when unknown). */
export async function forecast(runner: Runner, p: Prepared, season: number): Promise<Forecast> {
  const f = await testForecast(runner, p);
  const { window, series } = p;
  const first = f.origins[0]!;
  const evaluation = evaluateForecast({
    series: series.target, origins: f.origins, horizon: f.horizon, forecast: f.outputs, season: first + 1 >= season ? season : 1, trainEnd: first + 1,
  });
  const n = series.target.length;
  const ahead = (await runner.predict(columnsBatch(series.inputs, window, n - window, 1), 1)).values;

  let rollout: Float64Array | null = null;
  if (f.horizon === 1 && series.inputs.length === 1 && series.inputs[0] === series.target) {
    const input = f.testX.slice(0, window);
    rollout = new Float64Array(f.testRows);
    for (let i = 0; i < f.testRows; i++) {
      const next = (await runner.predict(input, 1)).values[0]!;
      rollout[i] = next;
      input.copyWithin(0, 1);
      input[window - 1] = next;
    }
  }
  return { ...f, evaluation, ahead, rollout };
}

/** MSE of the model on the test split, in the series' units: the unit of the trainer's test loss. */
export async function testLoss(runner: Runner, p: Prepared): Promise<number> {
  return (await testForecast(runner, p)).mse;
}
