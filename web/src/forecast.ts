// Forecasts on the test split: one step ahead from actual windows, and a rollout that feeds each prediction back
// in as the newest input. model.onnx takes and returns values in the series' own units (a model trained on
// normalised data has the normalisation inside), so nothing is mapped here.
import type { Prepared } from './dataset.ts';
import type { Runner } from './runtime.ts';

export interface OneStep {
  /** Series index of the first test target; test row i predicts series[first + i]. */
  first: number;
  /** The model's outputs for the test rows. */
  outputs: Float32Array;
  targets: Float64Array;
  /** Mean squared error of the outputs against the targets, in the series' units. */
  mse: number;
  testX: Float32Array;
  testRows: number;
}

export interface Forecast extends OneStep {
  predictions: Float64Array;
  /** Rollout predictions for the same targets, or null when the horizon is not 1 (nothing to feed back). */
  rollout: Float64Array | null;
}

/** The model on every test window: what the page shows and what a fine-tune's epochs are scored by. */
export async function oneStep(runner: Runner, p: Prepared): Promise<OneStep> {
  const { windows, split, window, horizon } = p;
  const [t0, t1] = split.test;
  const rows = t1 - t0;
  if (rows < 1) throw new Error('the test split is empty');
  const testX = windows.x.slice(t0 * window, t1 * window);
  const y = await runner.predict(testX, rows);
  const outputs = Float32Array.from({ length: rows }, (_, i) => y.values[i * y.perRow]!);
  const first = t0 + window + horizon - 1;
  const targets = p.series.values.slice(first, first + rows);
  let sq = 0;
  for (let i = 0; i < rows; i++) sq += (outputs[i]! - targets[i]!) ** 2;
  return { first, outputs, targets, mse: sq / rows, testX, testRows: rows };
}

export async function forecast(runner: Runner, p: Prepared): Promise<Forecast> {
  const f = await oneStep(runner, p);
  const { window } = p;
  let rollout: Float64Array | null = null;
  if (p.horizon === 1) {
    const input = f.testX.slice(0, window);
    rollout = new Float64Array(f.testRows);
    for (let i = 0; i < f.testRows; i++) {
      const next = (await runner.predict(input, 1)).values[0]!;
      rollout[i] = next;
      input.copyWithin(0, 1);
      input[window - 1] = next;
    }
  }
  return { ...f, predictions: Float64Array.from(f.outputs), rollout };
}

/** MSE of the model on the test split, in the series' units: the unit of the trainer's test loss. */
export async function testLoss(runner: Runner, p: Prepared): Promise<number> {
  return (await oneStep(runner, p)).mse;
}
