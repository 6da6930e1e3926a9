// Feeds for eval_model.onnx (x, target and every parameter by name): the test split's forecasts for a flat
// parameter vector, on any ONNX Runtime.
import type { Tensor as OrtTensor } from 'onnxruntime-common';
import type { FlatLayout } from '../artifacts/flat-layout.ts';
import { TRAINING_IO } from '../artifacts/training.ts';
import type { Examples } from '../data/windows.ts';
import type { OrtModule } from './engine.ts';

export const EVAL_OUTPUT = TRAINING_IO.y;

export function evalInputs(ort: OrtModule, layout: FlatLayout, params: Float32Array, ex: Examples, [a, b]: readonly [number, number]): Record<string, OrtTensor> {
  const n = b - a, xs = ex.window * ex.features;
  const feeds: Record<string, OrtTensor> = {
    [TRAINING_IO.x]: new ort.Tensor('float32', ex.x.subarray(a * xs, b * xs), [n, ex.window, ex.features]),
    [TRAINING_IO.target]: new ort.Tensor('float32', ex.y.subarray(a * ex.outputs, b * ex.outputs), [n, ex.outputs]),
  };
  for (const [name, t] of layout.tensors(params)) feeds[name] = new ort.Tensor('float32', t.data as Float32Array, [...t.dims]);
  return feeds;
}
