// Fine-tuning in the page: train_step.onnx (forward, loss, gradients and the optimizer update, K batches per run in
// an ONNX Loop) run by onnxruntime-web through the library's train-step engine, one run per epoch. The result is
// model.onnx with the new weights.
import * as ort from 'onnxruntime-web';
import { FILES } from '../../src/artifacts/manifest.ts';
import { Rng } from '../../src/data/index.ts';
import { specOf, TrainStepEngine } from '../../src/engine/engine.ts';
import { decodeModel } from '../../src/onnx/codec.ts';
import type { Manifest } from './artifacts.ts';
import type { Prepared } from './dataset.ts';
import type { Feed } from './runtime.ts';
import { flattenParameters, withParameters } from './weights.ts';

export interface FineTuneOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Called after each epoch with its mean batch loss and the test MSE of the updated weights (model units). */
  onEpoch(r: { epoch: number; trainLoss: number; testLoss: number; seconds: number }): void;
  /** Test-split MSE of a model (model units). */
  evaluate(model: Uint8Array): Promise<number>;
  /** Asked after each epoch: true ends the run there, with the weights so far. */
  shouldStop?: () => boolean;
}

/** What the train step's driver reads of the manifest: the parameters, the optimizer state, the data input and output. */
export type TrainStepManifest = Pick<Manifest, 'parameters' | 'optimizer' | 'input' | 'output' | 'config'>;

/**
 * Fine-tunes model.onnx with train_step.onnx. The train step is fed by the names and dims the manifest gives; a
 * manifest older than those fields names them through its config, and one with neither is taken to feed the train
 * step as model.onnx is fed (`feed`).
 */
export async function fineTune(trainStep: Uint8Array, modelBytes: Uint8Array, manifest: TrainStepManifest, data: Prepared, feed: Feed, o: FineTuneOptions): Promise<Uint8Array> {
  const parameters = manifest.parameters;
  const stateNames = manifest.optimizer?.state;
  if (!parameters || !stateNames) throw new Error(`${FILES.manifest} lists no parameters or optimizer state: rebuild the artifacts`);
  const windows = data.trainWindows;
  const named = (manifest.input && manifest.output) || manifest.config ? {} : {
    input: { name: feed.input, dims: ['batch', feed.window, feed.features] },
    output: { name: feed.output, dims: ['batch', windows.outputs] },
  };
  const session = await ort.InferenceSession.create(trainStep, { executionProviders: ['wasm'] });
  try {
    const engine = new TrainStepEngine(ort, session, specOf({ ...manifest, ...named, parameters, optimizer: { state: stateNames } }), { params: flattenParameters(decodeModel(modelBytes, FILES.model), parameters, FILES.model), rng: Rng.derive(o.seed, 'viewer:finetune').state });
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      let trainLoss: number;
      try {
        trainLoss = (await engine.trainEpochs(windows, data.split.train, { epochs: 1, batchSize: o.batchSize, lr: o.learningRate }))[0]!.loss;
      } catch (e) {
        throw new Error(`${(e as Error).message} in epoch ${epoch}; try a smaller learning rate`);
      }
      const testLoss = await o.evaluate(withParameters(modelBytes, parameters, await engine.params(), FILES.model));
      o.onEpoch({ epoch, trainLoss, testLoss, seconds: (performance.now() - t0) / 1000 });
      if (o.shouldStop?.()) break;
    }
    return withParameters(modelBytes, parameters, await engine.params(), FILES.model);
  } finally {
    await session.release();
  }
}
