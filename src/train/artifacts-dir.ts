// The artifacts a run trains with: those in its folder when they were built for this model (preprocessing
// constants included), optimizer and loss; built and written there otherwise.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataInfo, Manifest } from '../artifacts/manifest.ts';
import { FILES } from '../artifacts/manifest.ts';
import type { RecurrenceMode } from '../autodiff/registry.ts';
import { initParameters, type LstmForward } from '../graph/model.ts';
import type { TrainableModel } from '../graph/trainable.ts';
import { writeArtifacts } from '../node/artifacts.ts';
import { makeOptimizer } from '../optim/index.ts';
import type { TrainSettings } from './presets.ts';

/** Reuses the artifacts in `out` (`built`, their manifest) when they were built for this model and optimizer (and
 *  LSTM forward form, when one is asked for: otherwise whatever was built stands); builds them otherwise, keeping
 *  the built recurrence and forward form. */
export function ensureArtifacts(out: string, model: TrainableModel, s: TrainSettings, data: DataInfo, o: { built: Manifest | null; resuming: boolean; lstmForward?: LstmForward }): { manifest: Manifest; built: boolean } {
  const optimizer = makeOptimizer(s.optimizer, {}, s.accumulateGrad);
  const wanted = { config: model.config, optimizer: s.optimizer, state: optimizer.stateNames, preprocess: model.preprocess ?? null, loss: s.loss };
  const m = o.built;
  if (m && existsSync(join(out, FILES.trainStep)) && existsSync(join(out, FILES.eval))) {
    const same = JSON.stringify({ config: m.config, optimizer: m.optimizer.name, state: m.optimizer.state, preprocess: m.preprocess ?? null, loss: m.loss }) === JSON.stringify(wanted);
    if (same && (!o.lstmForward || m.lstm_forward === o.lstmForward)) return { manifest: m, built: false };
  }
  // The forms build-graph chose stand for the same model shape; another shape gets the model's own choice.
  const kept = m && JSON.stringify(m.config) === JSON.stringify(model.config) ? m : null;
  const { manifest } = writeArtifacts(out, {
    model, params: initParameters(model.config!, s.seed), seed: s.seed, optimizer, loss: s.loss,
    recurrence: kept?.recurrence as RecurrenceMode | undefined, lstmForward: o.lstmForward ?? kept?.lstm_forward, data,
  }, o.resuming ? [FILES.model] : []); // a resumed run's model.onnx holds trained weights: keep it
  return { manifest, built: true };
}
