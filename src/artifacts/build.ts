// The artifact set as bytes: model.onnx, training_model.onnx, eval_model.onnx, optimizer_model.onnx and
// train_step.onnx, plus the manifest that describes them. Pure: writing them is the Node side's job.
import type { RecurrenceMode } from '../autodiff/registry.ts';
import type { Normalizer } from '../data/normalize.ts';
import type { LossName } from '../graph/losses.ts';
import type { LstmForward, ModelConfig } from '../graph/model.ts';
import { serializeModel } from '../onnx/serialize.ts';
import type { Tensor } from '../onnx/tensor.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { inferenceGraph } from './inference.ts';
import { FILES, makeManifest, type DataInfo, type Manifest } from './manifest.ts';
import { optimizerGraph } from './optimizer.ts';
import { defaultLstmForward, trainStepGraph } from './train-step.ts';
import { evalGraph, trainingGraph } from './training.ts';

export interface ArtifactSpec {
  config: ModelConfig;
  params: Map<string, Tensor>;
  seed: number;
  optimizer: Optimizer;
  loss?: LossName;
  normalization?: Normalizer | null;
  recurrence?: RecurrenceMode;
  /** The train step's LSTM forward pass (default: unrolled for windows up to 64, else the LSTM op). */
  lstmForward?: LstmForward;
  data?: DataInfo | null;
}

export function buildArtifacts(s: ArtifactSpec): { files: Record<string, Uint8Array>; manifest: Manifest } {
  const loss = s.loss ?? 'mse';
  const recurrence = s.recurrence ?? 'auto';
  const lstmForward = s.lstmForward ?? defaultLstmForward(s.config);
  const choices = { loss, recurrence, lstmForward };
  const files: Record<string, Uint8Array> = {
    [FILES.model]: serializeModel(inferenceGraph(s.config, s.params, s.normalization ?? null)),
    [FILES.training]: serializeModel(trainingGraph(s.config, choices)),
    [FILES.eval]: serializeModel(evalGraph(s.config, choices)),
    [FILES.optimizer]: serializeModel(optimizerGraph(s.config, s.optimizer)),
    [FILES.trainStep]: serializeModel(trainStepGraph(s.config, s.optimizer, choices)),
  };
  const manifest = makeManifest({ config: s.config, seed: s.seed, loss, optimizer: s.optimizer, normalization: s.normalization ?? null, recurrence, lstmForward, data: s.data ?? null });
  return { files, manifest };
}
