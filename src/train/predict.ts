// Runs any ONNX forecaster with one float input [batch, window, features=1] and one output over every window of a
// series: row i holds values i .. i+window-1 and predicts value i+window. Models from other tools work too (a
// PyTorch export's input and output names are read from the session, external weight files are resolved by
// ONNX Runtime from the model's folder). The file is validated first (src/node/onnx-file.ts), so a broken or
// hostile one gets one clear error before ONNX Runtime opens it.
import * as ort from 'onnxruntime-node';
import { windowInputs } from '../data/windows.ts';
import { loadModelFile } from '../node/onnx-file.ts';
import { OnnxError, quote } from '../onnx/errors.ts';
import { inspectModel } from '../onnx/inspect.ts';
import { createSession, type SessionOptions } from './providers.ts';

export interface PredictOptions {
  window?: number;
  ep?: SessionOptions['ep'];
  device?: number;
  /** Windows per session run: bounds memory on long series. */
  batch?: number;
}

/** What the model's input shape fixes, if anything: [batch, window, features]. Exporters often fix the batch
 *  (PyTorch's dynamo exporter writes the example input's batch unless told otherwise). */
export function modelWindow(modelPath: string): { batch: number | null; window: number | null; features: number | null } {
  const info = inspectModel(loadModelFile(modelPath).model);
  if (info.inputs.length !== 1 || info.outputs.length < 1) {
    throw new OnnxError(`${modelPath}: a forecaster needs exactly one input and an output; this model has ${info.inputs.length} inputs and ${info.outputs.length} outputs`);
  }
  const shape = info.inputs[0]!.shape;
  if (info.inputs[0]!.elemType !== 'FLOAT') throw new OnnxError(`${modelPath}: input ${quote(info.inputs[0]!.name)} is ${info.inputs[0]!.elemType}, not float32`);
  if (shape && shape.length !== 3) throw new OnnxError(`${modelPath}: input ${quote(info.inputs[0]!.name)} has rank ${shape.length}; a forecaster takes [batch, window, features]`);
  const num = (d: number | string | null | undefined) => (typeof d === 'number' && d > 0 ? d : null);
  return { batch: num(shape?.[0]), window: num(shape?.[1]), features: num(shape?.[2]) };
}

export async function predictSeries(modelPath: string, series: ArrayLike<number>, o: PredictOptions = {}): Promise<{ window: number; predictions: Float32Array[]; outputs: number }> {
  const fixed = modelWindow(modelPath);
  if (fixed.features !== null && fixed.features !== 1) throw new OnnxError(`${modelPath}: the model takes ${fixed.features} features per step; predict reads one column`);
  if (fixed.window !== null && o.window !== undefined && o.window !== fixed.window) {
    throw new OnnxError(`${modelPath}: the model's window is ${fixed.window}, but --window ${o.window} was given`);
  }
  const window = fixed.window ?? o.window;
  if (window === undefined) throw new OnnxError(`${modelPath}: the model's window is not fixed in its input shape; give --window`);
  const session = await createSession(modelPath, { ep: o.ep ?? 'cpu', deviceId: o.device });
  const inputs = windowInputs(series, window);
  // A model with a fixed batch gets exactly that many windows a run, the last run padded with zeros.
  const chunk = fixed.batch ?? o.batch ?? 4096;
  const predictions: Float32Array[] = [];
  let outputs = 1;
  for (let a = 0; a < inputs.count; a += chunk) {
    const n = Math.min(chunk, inputs.count - a);
    const rows = fixed.batch ?? n;
    const xs = new Float32Array(rows * window);
    xs.set(inputs.x.subarray(a * window, (a + n) * window));
    const x = new ort.Tensor('float32', xs, [rows, window, 1]);
    const r = await session.run({ [session.inputNames[0]!]: x });
    const data = r[session.outputNames[0]!]!.data as Float32Array;
    outputs = data.length / rows;
    for (let k = 0; k < n; k++) predictions.push(data.slice(k * outputs, (k + 1) * outputs));
  }
  await session.release();
  return { window, predictions, outputs };
}
