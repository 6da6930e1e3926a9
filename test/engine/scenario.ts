// A model with 3 input features and 2 outputs trained through the engine, written once for any ONNX Runtime: the
// Node test runs it on onnxruntime-node, the browser test bundles it with onnxruntime-web.
import { buildArtifacts } from '../../src/artifacts/build.ts';
import { Rng } from '../../src/data/rng.ts';
import type { Examples } from '../../src/data/windows.ts';
import { TrainStepEngine, specOf, type OrtModule } from '../../src/engine/engine.ts';
import { forecasterModel, initParameters, type LstmForward, type ModelConfig } from '../../src/graph/model.ts';
import { makeOptimizer } from '../../src/optim/index.ts';

export const CONFIG: ModelConfig = { features: 3, window: 6, hidden: 8, layers: 1, outputs: 2, dense: [] };
export const ROWS = 96;

/** Targets the network can learn: the window's mean of feature 0, and the last value of feature 2. */
export function examples(seed = 3): Examples {
  const rng = new Rng(seed);
  const { window: W, features: F } = CONFIG;
  const x = Float32Array.from({ length: ROWS * W * F }, () => rng.uniform(-1, 1));
  const y = new Float32Array(ROWS * 2);
  for (let r = 0; r < ROWS; r++) {
    let mean = 0;
    for (let t = 0; t < W; t++) mean += x[(r * W + t) * F]! / W;
    y[r * 2] = mean;
    y[r * 2 + 1] = x[(r * W + W - 1) * F + 2]!;
  }
  return { x, y, count: ROWS, window: W, features: F, outputs: 2 };
}

export interface ScenarioResult {
  /** Mean training loss of each epoch. */
  epochLosses: number[];
  /** Per-step losses of the first epoch, from a second engine run one batch per session run. */
  firstEpochK1: number[];
  params: number[];
}

type SessionFactory = (bytes: Uint8Array) => Promise<ConstructorParameters<typeof TrainStepEngine>[1]>;

export async function runScenario(ort: OrtModule, createSession: SessionFactory, epochs = 30, config: ModelConfig = CONFIG, lstmForward?: LstmForward): Promise<ScenarioResult> {
  const init = initParameters(config, 0);
  const { files, manifest } = buildArtifacts({ model: forecasterModel(config), params: init, seed: 0, optimizer: makeOptimizer('adam'), lstmForward });
  const session = await createSession(files[manifest.files.trainStep]!);
  const spec = specOf(manifest);
  const start = () => ({ params: spec.layout.flatten((e) => init.get(e.name)!.data as Float32Array), rng: Rng.derive(0, 'shuffle').state });
  const ex = examples();
  const engine = new TrainStepEngine(ort, session, spec, start());
  const results = await engine.trainEpochs(ex, [0, ROWS], { epochs, batchSize: 16, lr: 1e-2 });
  const one = new TrainStepEngine(ort, session, spec, start());
  const batches = one.epochBatches(ROWS, 16);
  const firstEpochK1: number[] = [];
  for (const b of batches) firstEpochK1.push(...(await one.run(ex, [b], 1e-2)));
  return { epochLosses: results.map((r) => r.loss), firstEpochK1, params: Array.from(await engine.params()) };
}
