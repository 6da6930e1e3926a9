// The test split's MSE in the data's own units, whatever the training loss: from eval_model's predictions, in
// float64, with the normalisation undone.
import type { Dataset } from './dataset.ts';

export function testMse(y: Float32Array, d: Pick<Dataset, 'y' | 'outputs' | 'split' | 'normalization'>): number {
  const [a] = d.split.test;
  const t = d.y.subarray(a * d.outputs, a * d.outputs + y.length);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (y[i]! - t[i]!) ** 2;
  return (sum / y.length) * (d.normalization ? d.normalization.std ** 2 : 1);
}
