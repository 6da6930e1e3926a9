// The MSE of eval_model's predictions for some rows, in the data's own units (the model's output is raw values),
// summed in float64.
import type { Examples } from '../data/windows.ts';

export function mse(y: Float32Array, d: Pick<Examples, 'y' | 'outputs'>, [a]: readonly [number, number]): number {
  const t = d.y.subarray(a * d.outputs, a * d.outputs + y.length);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (y[i]! - t[i]!) ** 2;
  return sum / y.length;
}
