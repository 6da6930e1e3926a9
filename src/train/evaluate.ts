// The test split's MSE for the current parameters, through eval_model.onnx.
import * as ort from 'onnxruntime-node';
import type { flatLayout } from '../artifacts/train-step.ts';
import type { Dataset } from './dataset.ts';

type Feeds = Record<string, ort.Tensor>;

export function evalFeeds(d: Dataset, [a, b]: [number, number]): Feeds {
  const n = b - a;
  return {
    x: new ort.Tensor('float32', d.x.subarray(a * d.window, b * d.window), [n, d.window, 1]),
    target: new ort.Tensor('float32', d.y.subarray(a, b), [n, 1]),
  };
}

/** Test MSE in the data's own units, whatever the training loss: from eval_model's y, in float64. */
export async function evaluate(s: ort.InferenceSession, feeds: Feeds, params: ort.Tensor, layout: ReturnType<typeof flatLayout>, norm: Dataset['normalization']): Promise<number> {
  const flat = params.data as Float32Array;
  const f: Feeds = { ...feeds };
  for (const e of layout.entries) f[e.name] = new ort.Tensor('float32', flat.slice(e.offset, e.offset + e.size), e.dims);
  const y = (await s.run(f, ['y'])).y!.data as Float32Array;
  const t = feeds.target!.data as Float32Array;
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (y[i]! - t[i]!) ** 2;
  return (sum / y.length) * (norm ? norm.std ** 2 : 1);
}

