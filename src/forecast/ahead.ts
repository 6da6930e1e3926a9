// Forecasting past the end of a series with a model that reads the last `window` rows of its input columns and
// returns the target's next `horizon` values: directly up to the horizon (one run from the last window), and
// recursively beyond it, each run's forecasts appended to the series as if observed and the next run made from the
// new last window. Pure: the model is a function, so Node and the browser drive it alike.

import { columnsBatch } from '../data/windows.ts';
import { ForecastError } from './errors.ts';

export type ForecastMethod = 'direct' | 'recursive';

export interface AheadInput {
  /** The input columns, equally long, in the model's feature order. */
  inputs: readonly ArrayLike<number>[];
  /** The column names, for messages. */
  names: readonly string[];
  /** The target's place among the inputs; null when the model does not read the target's past. */
  targetIndex: number | null;
  window: number;
  horizon: number;
  steps: number;
  /** One model run: x [1, window, features] → the next `horizon` values of the target. */
  run: (x: Float32Array) => Promise<ArrayLike<number>>;
}

export interface AheadResult {
  /** `steps` forecasts, the first of the value right after the last row. */
  values: Float64Array;
  method: ForecastMethod;
  /** Model runs made: 1 when direct. */
  runs: number;
}

/** Why a model cannot forecast `steps` past its horizon; null when it can (one column, the target itself). */
export function recursionRefusal(a: Pick<AheadInput, 'names' | 'targetIndex' | 'horizon' | 'steps'>): string | null {
  if (a.steps <= a.horizon) return null;
  const beyond = `--steps ${a.steps} goes past the model's horizon of ${a.horizon}`;
  if (a.targetIndex === null) {
    return `${beyond}, and the model does not read the target's past, so its forecasts cannot be fed back; use --steps ${a.horizon} or less`;
  }
  if (a.names.length > 1) {
    const others = a.names.filter((_, k) => k !== a.targetIndex).join(', ');
    return `${beyond}: forecasting further would need future values of ${others}, which the model does not forecast; use --steps ${a.horizon} or less (or train with --horizon ${a.steps})`;
  }
  return null;
}

export async function forecastAhead(a: AheadInput): Promise<AheadResult> {
  const { window, horizon, steps } = a;
  if (!Number.isInteger(steps) || steps < 1) throw new ForecastError(`--steps must be a whole number ≥ 1, got ${steps}`);
  const n = a.inputs[0]?.length ?? 0;
  if (n < window) throw new ForecastError(`the series has ${n} values; the model's window needs the last ${window}`);
  const refusal = recursionRefusal(a);
  if (refusal) throw new ForecastError(refusal);
  // The recursive case has one column, the target: it grows by each run's forecasts.
  const columns = a.inputs.map((c) => Array.from({ length: window }, (_, t) => c[n - window + t]!));
  const values = new Float64Array(steps);
  let done = 0;
  let runs = 0;
  while (done < steps) {
    const y = await a.run(columnsBatch(columns, window, columns[0]!.length - window, 1));
    runs++;
    if (y.length !== horizon) throw new ForecastError(`the model gave ${y.length} values for one window; its horizon is ${horizon}`);
    const take = Math.min(horizon, steps - done);
    for (let h = 0; h < take; h++) values[done + h] = y[h]!;
    done += take;
    if (done < steps) columns[0]!.push(...Array.from({ length: take }, (_, h) => y[h]!));
  }
  return { values, method: steps <= horizon ? 'direct' : 'recursive', runs };
}
