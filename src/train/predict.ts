// Runs any ONNX forecaster with one float input [batch, window, features] and one output over every window of a
// series (one column, or several side by side): row i holds values i .. i+window-1 and forecasts from value
// i+window on (as many values per row as the model outputs). Models from other tools work too (a
// PyTorch export's input and output names are read from the session, external weight files are resolved by
// ONNX Runtime from the model's folder). The file is validated first (src/node/onnx-file.ts), so a broken or
// hostile one gets one clear error before ONNX Runtime opens it.
import * as ort from 'onnxruntime-node';
import { columnsBatch, windowCount } from '../data/windows.ts';
import { loadModelFile } from '../node/onnx-file.ts';
import { OnnxError, quote } from '../onnx/errors.ts';
import { inspectModel } from '../onnx/inspect.ts';
import { createSession, type SessionOptions } from './providers.ts';
import { MAX_RUN_VALUES } from './run-bound.ts';

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

const DEFAULT_BATCH = 4096;

export interface Predictions {
  window: number;
  /** Windows predicted: one per start position, row i forecasting value i+window. */
  count: number;
  /** Values per window. */
  outputs: number;
  /** [count, outputs], row-major. */
  predictions: Float32Array;
}

/** `series`: one column, or the model's input columns in its feature order, equally long. */
export async function predictSeries(modelPath: string, series: ArrayLike<number> | readonly ArrayLike<number>[], o: PredictOptions = {}): Promise<Predictions> {
  const columns = isColumns(series) ? series : [series];
  const fixed = modelWindow(modelPath);
  if (fixed.features !== null && fixed.features !== columns.length) {
    throw new OnnxError(`${modelPath}: the model takes ${fixed.features} features per step; ${columns.length} column${columns.length === 1 ? ' was' : 's were'} given`);
  }
  if (fixed.window !== null && o.window !== undefined && o.window !== fixed.window) {
    throw new OnnxError(`${modelPath}: the model's window is ${fixed.window}, but --window ${o.window} was given`);
  }
  const window = fixed.window ?? o.window;
  if (window === undefined) throw new OnnxError(`${modelPath}: the model's window is not fixed in its input shape; give --window`);
  if (window > MAX_RUN_VALUES) throw new OnnxError(`${modelPath}: a window of ${window} steps is more than predict feeds in one run (${MAX_RUN_VALUES} values)`);
  // A model with a fixed batch gets exactly that many windows a run, the last run padded with zeros.
  if (fixed.batch !== null && fixed.batch * window > MAX_RUN_VALUES) {
    throw new OnnxError(`${modelPath}: the model's input fixes a batch of ${fixed.batch} windows of ${window} steps, more than predict feeds in one run (${MAX_RUN_VALUES} values); export it with a dynamic batch`);
  }
  const count = windowCount(columns[0]!, window);
  if (columns.some((c) => c.length !== columns[0]!.length)) throw new RangeError('every column must be as long as the first');
  const chunk = fixed.batch ?? Math.max(1, Math.min(o.batch ?? DEFAULT_BATCH, Math.floor(MAX_RUN_VALUES / (window * columns.length))));
  const session = await createSession(modelPath, { ep: o.ep ?? 'cpu', deviceId: o.device });
  try {
    let predictions: Float32Array | null = null;
    let outputs = 0;
    for (let first = 0; first < count; first += chunk) {
      const n = Math.min(chunk, count - first);
      const rows = fixed.batch ?? n;
      const x = new ort.Tensor('float32', columnsBatch(columns, window, first, n, rows), [rows, window, columns.length]);
      const r = (await session.run({ [session.inputNames[0]!]: x }))[session.outputNames[0]!]!;
      const per = perWindow(r.dims, rows, modelPath, session.outputNames[0]!);
      if (!predictions) {
        outputs = per;
        if (count * outputs > MAX_RUN_VALUES * 32) {
          throw new OnnxError(`${modelPath}: ${count} windows of ${outputs} values each is more than predict holds (${MAX_RUN_VALUES * 32} values)`);
        }
        predictions = new Float32Array(count * outputs);
      } else if (per !== outputs) {
        throw new OnnxError(`${modelPath}: output ${quote(session.outputNames[0]!)} gave ${outputs} values per window, then ${per}`);
      }
      predictions.set((r.data as Float32Array).subarray(0, n * outputs), first * outputs);
    }
    return { window, count, outputs, predictions: predictions! };
  } finally {
    await session.release();
  }
}

function isColumns(s: ArrayLike<number> | readonly ArrayLike<number>[]): s is readonly ArrayLike<number>[] {
  return s.length > 0 && typeof s[0] === 'object';
}

/** Values per window in an output of shape `dims` for `rows` windows; a scalar or another batch is refused. */
function perWindow(dims: readonly number[], rows: number, modelPath: string, name: string): number {
  if (dims.length === 0 || dims[0] !== rows) {
    throw new OnnxError(`${modelPath}: output ${quote(name)} has shape [${dims.join(',')}] for ${rows} windows; predict needs one row per window, [batch, …]`);
  }
  const per = dims.slice(1).reduce((a, d) => a * d, 1);
  if (per === 0) throw new OnnxError(`${modelPath}: output ${quote(name)} has shape [${dims.join(',')}]: no value per window`);
  return per;
}
