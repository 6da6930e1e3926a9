// The artifacts a run trains with: those in its folder when they were built for this model, optimizer, loss and
// normalisation; built and written there otherwise.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILES, parseManifest, type Manifest } from '../artifacts/manifest.ts';
import type { LstmForward } from '../graph/model.ts';
import type { TrainableModel } from '../graph/trainable.ts';
import type { Tensor } from '../onnx/tensor.ts';
import { writeArtifacts } from '../node/artifacts.ts';
import { makeOptimizer } from '../optim/index.ts';
import type { Dataset } from './dataset.ts';
import type { TrainSettings } from './presets.ts';

/** Reuses the artifacts in `out` when they were built for this model and optimizer (and LSTM forward form, when
 *  one is asked for: otherwise whatever build-graph chose stands); builds them otherwise, from `init`'s weights. */
export function ensureArtifacts(out: string, model: TrainableModel, init: () => Map<string, Tensor>, s: TrainSettings, data: Dataset, resuming: boolean, lstmForward?: LstmForward): { manifest: Manifest; built: boolean } {
  const path = join(out, FILES.manifest);
  const optimizer = makeOptimizer(s.optimizer, {}, s.accumulateGrad);
  const wanted = { config: model.config ?? null, optimizer: s.optimizer, state: optimizer.stateNames, normalization: data.normalization, loss: s.loss };
  if (existsSync(path) && existsSync(join(out, FILES.trainStep)) && existsSync(join(out, FILES.eval))) {
    const m = parseManifest(readFileSync(path, 'utf8'), path);
    const same = JSON.stringify({ config: m.config, optimizer: m.optimizer.name, state: m.optimizer.state, normalization: m.normalization, loss: m.loss }) === JSON.stringify(wanted);
    if (same && (!lstmForward || m.lstm_forward === lstmForward)) {
      return { manifest: m, built: false };
    }
  }
  const { manifest } = writeArtifacts(out, {
    model, params: init(), seed: s.seed, optimizer, normalization: data.normalization, loss: s.loss, lstmForward,
    data: { source: data.source, seed: s.seed, window: data.window, horizon: data.horizon, rows: data.count, split: data.split },
  }, resuming ? [FILES.model] : []); // a resumed run's model.onnx holds trained weights: keep it
  return { manifest, built: true };
}

