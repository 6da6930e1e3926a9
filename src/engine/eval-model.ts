// Feeds for eval_model.onnx (the model's input, target and every parameter by name): the test split's forecasts for
// a flat parameter vector, on any ONNX Runtime. The parameters are made tensors once; each chunk of rows adds its
// input and target.
import type { Tensor as OrtTensor } from 'onnxruntime-common';
import type { FlatLayout } from '../artifacts/flat-layout.ts';
import { TRAINING_IO } from '../artifacts/training.ts';
import type { Examples } from '../data/windows.ts';
import type { EngineSpec, OrtModule } from './engine.ts';

export function parameterFeeds(ort: OrtModule, layout: FlatLayout, params: Float32Array): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const [name, t] of layout.tensors(params)) feeds[name] = new ort.Tensor('float32', t.data as Float32Array, [...t.dims]);
  return feeds;
}

/** The input and target of rows [a, b) of `ex`, as views (nothing copied), shaped as the model's. */
export function rowFeeds(ort: OrtModule, spec: Pick<EngineSpec, 'input' | 'output'>, ex: Examples, [a, b]: readonly [number, number]): Record<string, OrtTensor> {
  const n = b - a, xs = ex.window * ex.features;
  return {
    [spec.input.name]: new ort.Tensor('float32', ex.x.subarray(a * xs, b * xs), [n, ...spec.input.dims]),
    [TRAINING_IO.target]: new ort.Tensor('float32', ex.y.subarray(a * ex.outputs, b * ex.outputs), [n, ...spec.output.dims]),
  };
}
