// manifest.json: what the artifacts are, for tools and people. Its fields are an interface (see README).
import type { Normalizer } from '../data/normalize.ts';
import type { LossName } from '../graph/losses.ts';
import type { LstmForward, ModelConfig } from '../graph/model.ts';
import { IR_VERSION, OPSET } from '../onnx/serialize.ts';
import type { Optimizer, OptimizerName } from '../optim/optimizer.ts';
import { flatLayout } from './train-step.ts';

export const FILES = {
  model: 'model.onnx',
  training: 'training_model.onnx',
  eval: 'eval_model.onnx',
  optimizer: 'optimizer_model.onnx',
  trainStep: 'train_step.onnx',
  checkpoint: 'checkpoint.ckpt',
  metrics: 'metrics.json',
  log: 'train-log.jsonl',
  manifest: 'manifest.json',
} as const;

export interface DataInfo {
  source: string;
  column?: string | number;
  seed?: number;
  window: number;
  horizon: number;
  rows: number;
  split: { train: [number, number]; test: [number, number] };
}

export interface Manifest {
  format: 'ingraph-manifest';
  version: 1;
  producer: string;
  opset: number;
  ir_version: number;
  onnxruntime: string;
  config: ModelConfig;
  seed: number;
  parameters: { name: string; dims: number[]; dtype: 'float32'; offset: number; size: number }[];
  loss: LossName;
  optimizer: { name: OptimizerName; hyper: Record<string, number>; state: string[] };
  normalization: Normalizer | null;
  recurrence: string;
  /** How train_step.onnx runs the LSTM forward pass: ONNX's LSTM op, or unrolled into standard ops. */
  lstm_forward: LstmForward;
  data: DataInfo | null;
  files: typeof FILES;
}

export function makeManifest(a: {
  config: ModelConfig; seed: number; loss: LossName; optimizer: Optimizer; normalization: Normalizer | null;
  recurrence: string; lstmForward: LstmForward; data: DataInfo | null;
}): Manifest {
  return {
    format: 'ingraph-manifest',
    version: 1,
    producer: 'ingraph 0.1.0',
    opset: OPSET,
    ir_version: IR_VERSION,
    onnxruntime: '1.29.0',
    config: a.config,
    seed: a.seed,
    parameters: flatLayout(a.config).entries.map((e) => ({ ...e, dtype: 'float32' as const })),
    loss: a.loss,
    optimizer: { name: a.optimizer.name, hyper: a.optimizer.hyper, state: a.optimizer.stateNames },
    normalization: a.normalization,
    recurrence: a.recurrence,
    lstm_forward: a.lstmForward,
    data: a.data,
    files: FILES,
  };
}

export function parseManifest(text: string, source: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (m.format !== 'ingraph-manifest') throw new Error(`${source}: not an ingraph manifest`);
  if (m.version !== 1) throw new Error(`${source}: manifest version ${m.version} is not supported (this ingraph reads version 1)`);
  return m;
}
