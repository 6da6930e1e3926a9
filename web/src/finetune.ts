// Fine-tuning in the page: train_step.onnx (forward, loss, gradients and the optimizer update, K batches per run in
// an ONNX Loop) run by onnxruntime-web, one run per epoch, with the flat parameter vector and optimizer state
// carried from run to run in JavaScript. The result is model.onnx with the new weights.
import * as ort from 'onnxruntime-web';
import { epochBatches, Rng } from '../../src/data/index.ts';
import { decodeModel } from '../../src/onnx/codec.ts';
import type { ParameterEntry } from './artifacts.ts';
import type { Prepared } from './dataset.ts';
import { flattenParameters, withParameters } from './weights.ts';

/** Inputs of train_step.onnx that are not optimizer state; every other [P] input is state (exp_avg, ...). */
const FIXED_INPUTS = new Set(['params', 'step', 'learning_rate', 'x', 'target', 'offsets']);

export interface FineTuneOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Called after each epoch with its mean batch loss and the test MSE of the updated weights (model units). */
  onEpoch(r: { epoch: number; trainLoss: number; testLoss: number; seconds: number }): void;
  /** Test-split MSE of a model (model units). */
  evaluate(model: Uint8Array): Promise<number>;
  /** Checked after each epoch: true ends the run there, keeping the weights so far. */
  shouldStop?: () => boolean;
}

export async function fineTune(
  trainStep: Uint8Array,
  modelBytes: Uint8Array,
  parameters: ParameterEntry[],
  data: Prepared,
  o: FineTuneOptions,
): Promise<Uint8Array> {
  const session = await ort.InferenceSession.create(trainStep, { executionProviders: ['wasm'] });
  try {
    const missing = [...FIXED_INPUTS].filter((n) => !session.inputNames.includes(n));
    if (missing.length) throw new Error(`train_step.onnx lacks the inputs ${missing.join(', ')}`);
    const stateNames = session.inputNames.filter((n) => !FIXED_INPUTS.has(n));

    let params = flattenParameters(decodeModel(modelBytes, 'model.onnx'), parameters, 'model.onnx');
    const P = params.length;
    let state = stateNames.map(() => new Float32Array(P));
    let step = 1n;

    const { windows, window } = data;
    const [a, b] = data.split.train;
    const rows = b - a;
    const rng = Rng.derive(o.seed, 'viewer:finetune');
    const x = new Float32Array(rows * window);
    const target = new Float32Array(rows);
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      const batches = epochBatches(rows, o.batchSize, rng);
      // The K batches back to back, rows in the shuffled order; offsets mark where each batch starts.
      const offsets = new BigInt64Array(batches.length + 1);
      let r = 0;
      batches.forEach((batch, k) => {
        offsets[k] = BigInt(r);
        for (const i of batch) {
          x.set(windows.x.subarray((a + i) * window, (a + i + 1) * window), r * window);
          target[r++] = windows.y[a + i]!;
        }
      });
      offsets[batches.length] = BigInt(r);

      const feeds: Record<string, ort.Tensor> = {
        params: new ort.Tensor('float32', params, [P]),
        step: new ort.Tensor('int64', BigInt64Array.of(step), [1]),
        learning_rate: new ort.Tensor('float32', Float32Array.of(o.learningRate), [1]),
        x: new ort.Tensor('float32', x, [rows, window, 1]),
        target: new ort.Tensor('float32', target, [rows, 1]),
        offsets: new ort.Tensor('int64', offsets, [offsets.length]),
      };
      stateNames.forEach((n, i) => (feeds[n] = new ort.Tensor('float32', state[i]!, [P])));
      const out = await session.run(feeds);
      params = Float32Array.from((await out['params.out']!.getData()) as Float32Array);
      state = await Promise.all(stateNames.map(async (n) => Float32Array.from((await out[`${n}.out`]!.getData()) as Float32Array)));
      const losses = (await out.losses!.getData()) as Float32Array;
      step += BigInt(batches.length);

      const trainLoss = losses.reduce((s, l) => s + l, 0) / losses.length;
      if (!Number.isFinite(trainLoss)) throw new Error(`the loss became ${trainLoss} in epoch ${epoch}; try a smaller learning rate`);
      const testLoss = await o.evaluate(withParameters(modelBytes, parameters, params, 'model.onnx'));
      o.onEpoch({ epoch, trainLoss, testLoss, seconds: (performance.now() - t0) / 1000 });
      if (o.shouldStop?.()) break;
    }
    return withParameters(modelBytes, parameters, params, 'model.onnx');
  } finally {
    await session.release();
  }
}
