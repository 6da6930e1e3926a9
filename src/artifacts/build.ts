// The artifact set as bytes: model.onnx, training_model.onnx, eval_model.onnx, optimizer_model.onnx and
// train_step.onnx, plus the manifest that describes them. Pure: writing them is the Node side's job.
import type { RecurrenceMode } from '../autodiff/registry.ts';
import type { LossName } from '../graph/losses.ts';
import type { LstmForward } from '../graph/model.ts';
import type { TrainableModel } from '../graph/trainable.ts';
import { serializeModel } from '../onnx/serialize.ts';
import type { Tensor } from '../onnx/tensor.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { inferenceGraph } from './inference.ts';
import { FILES, makeManifest, type DataInfo, type Manifest } from './manifest.ts';
import { optimizerGraph } from './optimizer.ts';
import { trainStepGraph } from './train-step.ts';
import { evalGraph, trainingGraph } from './training.ts';

export interface ArtifactSpec {
  model: TrainableModel;
  /** Initial values of the model's trained parameters. */
  params: Map<string, Tensor>;
  seed: number;
  optimizer: Optimizer;
  loss?: LossName;
  recurrence?: RecurrenceMode;
  /** The train step's recurrent forward form (default: the model's own choice). */
  lstmForward?: LstmForward;
  data?: DataInfo | null;
}

export function buildArtifacts(s: ArtifactSpec): { files: Record<string, Uint8Array>; manifest: Manifest } {
  const loss = s.loss ?? 'mse';
  const recurrence = s.recurrence ?? 'auto';
  const lstmForward = s.lstmForward ?? s.model.defaultForward;
  const choices = { loss, recurrence, lstmForward };
  const files: Record<string, Uint8Array> = {
    [FILES.model]: serializeModel(inferenceGraph(s.model, s.params)),
    [FILES.training]: serializeModel(trainingGraph(s.model, choices)),
    [FILES.eval]: serializeModel(evalGraph(s.model, choices)),
    [FILES.optimizer]: serializeModel(optimizerGraph(s.model, s.optimizer)),
    [FILES.trainStep]: serializeModel(trainStepGraph(s.model, s.optimizer, choices)),
  };
  const manifest = makeManifest({ model: s.model, seed: s.seed, loss, optimizer: s.optimizer, recurrence, lstmForward, data: s.data ?? null });
  return { files, manifest };
}
