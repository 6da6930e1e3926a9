// Forecasts on the test split: one step ahead from actual windows, and a rollout that feeds each prediction back
// in as the newest input. Outputs are in model units; predictions are mapped back to the series' units.
import { denormalize } from '../../src/data/index.ts';
import type { Prepared } from './dataset.ts';
import type { Runner } from './runtime.ts';

export interface Forecast {
  /** Series index of the first test target; test row i predicts series[first + i]. */
  first: number;
  /** The model's raw outputs for the test rows (normalised units when the data is normalised). */
  outputs: Float32Array;
  predictions: Float64Array;
  targets: Float64Array;
  /** Mean squared error of the predictions, in the series' units. */
  mse: number;
  /** Rollout predictions for the same targets, or null when the horizon is not 1 (nothing to feed back). */
  rollout: Float64Array | null;
  testX: Float32Array;
  testRows: number;
}

export async function forecast(runner: Runner, p: Prepared): Promise<Forecast> {
  const { windows, split, window, horizon } = p;
  const [t0, t1] = split.test;
  const rows = t1 - t0;
  if (rows < 1) throw new Error('the test split is empty');
  const testX = windows.x.slice(t0 * window, t1 * window);
  const outputs = await runner.predict(testX, rows, window, 1);
  const first = t0 + window + horizon - 1;
  const predictions = p.normalizer ? denormalize(outputs, p.normalizer) : Float64Array.from(outputs);
  const targets = p.series.values.slice(first, first + rows);
  let sq = 0;
  for (let i = 0; i < rows; i++) sq += (predictions[i]! - targets[i]!) ** 2;

  let rollout: Float64Array | null = null;
  if (horizon === 1) {
    const input = testX.slice(0, window);
    const out = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      out[i] = (await runner.predict(input, 1, window, 1))[0]!;
      input.copyWithin(0, 1);
      input[window - 1] = out[i]!;
    }
    rollout = p.normalizer ? denormalize(out, p.normalizer) : Float64Array.from(out);
  }
  return { first, outputs, predictions, targets, mse: sq / rows, rollout, testX, testRows: rows };
}

/** MSE of the model's outputs against the window targets on the test split, in model units (the training loss's). */
export async function testLoss(runner: Runner, p: Prepared): Promise<number> {
  const [t0, t1] = p.split.test;
  const rows = t1 - t0;
  const out = await runner.predict(p.windows.x.subarray(t0 * p.window, t1 * p.window), rows, p.window, 1);
  let sq = 0;
  for (let i = 0; i < rows; i++) sq += (out[i]! - p.windows.y[t0 + i]!) ** 2;
  return sq / rows;
}
