// manifest.json: what the artifacts are, for tools and people. Its fields are an interface (see README).
import type { Normalizer } from '../data/normalize.ts';
import type { Preprocess } from '../graph/preprocess.ts';
import type { LossName } from '../graph/losses.ts';
import type { LstmForward, ModelConfig } from '../graph/model.ts';
import type { ModelIO, TrainableModel } from '../graph/trainable.ts';
import { INGRAPH_VERSION, IR_VERSION, ONNXRUNTIME_VERSION, OPSET, PRODUCER } from '../onnx/versions.ts';
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
  forecastSvg: 'forecast.svg',
  lossSvg: 'loss.svg',
  manifest: 'manifest.json',
} as const;

export interface DataInfo {
  source: string;
  column?: string | number;
  /** The input columns' names in feature order, and the forecast column's name. */
  columns?: string[];
  target?: string;
  seed?: number;
  window: number;
  horizon: number;
  rows: number;
  /** Window rows, half-open: trained on, validated on (carved from the end of the training rows), tested on. */
  split: { train: [number, number]; test: [number, number]; validation?: [number, number] };
}

export interface Manifest {
  format: 'ingraph-manifest';
  version: 1;
  producer: string;
  opset: number;
  ir_version: number;
  onnxruntime: string;
  /** The builder's settings for ingraph's own forecaster; null for a model built from another tool's file. */
  config: ModelConfig | null;
  /** The model's data input and output, by their own names; dims start with the batch. */
  input: ModelIO;
  output: ModelIO;
  seed: number;
  parameters: { name: string; dims: number[]; dtype: 'float32'; offset: number; size: number }[];
  /** Values of the model that are not trained (initializers in every graph). */
  frozen: string[];
  loss: LossName;
  optimizer: { name: OptimizerName; hyper: Record<string, number>; state: string[] };
  /** What model.onnx does to raw values around its network (null: nothing); the files take raw values either way. */
  preprocess: Preprocess | null;
  recurrence: string;
  /** How train_step.onnx runs the LSTM forward pass: ONNX's LSTM op, or unrolled into standard ops. */
  lstm_forward: LstmForward;
  data: DataInfo | null;
  files: typeof FILES;
}

export function makeManifest(a: {
  model: TrainableModel; seed: number; loss: LossName; optimizer: Optimizer;
  recurrence: string; lstmForward: LstmForward; data: DataInfo | null;
}): Manifest {
  return {
    format: 'ingraph-manifest',
    version: 1,
    producer: `${PRODUCER} ${INGRAPH_VERSION}`,
    opset: OPSET,
    ir_version: IR_VERSION,
    onnxruntime: ONNXRUNTIME_VERSION,
    config: a.model.config ?? null,
    input: a.model.input,
    output: a.model.output,
    seed: a.seed,
    parameters: flatLayout(a.model).entries.map((e) => ({ ...e, dtype: 'float32' as const })),
    frozen: [...a.model.frozen.keys()],
    loss: a.loss,
    optimizer: { name: a.optimizer.name, hyper: a.optimizer.hyper, state: a.optimizer.stateNames },
    preprocess: a.model.preprocess ?? null,
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

/** What a viewer can use of a manifest that may be old or hand-edited: each field kept only when well-typed. */
export interface LenientManifest {
  config?: ModelConfig;
  input?: ModelIO;
  output?: ModelIO;
  parameters?: { name: string; dims: number[]; dtype?: string }[];
  files?: Partial<Record<keyof typeof FILES, string>>;
  optimizer?: { name?: string; state?: string[]; lr?: number };
  data?: Partial<Pick<DataInfo, 'source' | 'seed' | 'window' | 'horizon' | 'split' | 'columns' | 'target'>> & { normalization?: Normalizer | null };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isModelIO = (v: unknown): v is ModelIO =>
  isObject(v) && typeof v.name === 'string' && Array.isArray(v.dims) && v.dims.every((d) => d === null || typeof d === 'string' || Number.isInteger(d));

const isRange = (r: unknown): r is [number, number] => Array.isArray(r) && r.length === 2 && r.every(Number.isInteger);

/** The lenient reading: only "format" must be right; every other field is kept when it has the right type. */
export function parseManifestLenient(text: string, source: string = FILES.manifest): LenientManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(raw) || raw.format !== 'ingraph-manifest') throw new Error(`${source}: not an ingraph manifest (no "format": "ingraph-manifest")`);
  const m: LenientManifest = {};
  if (isObject(raw.config)) m.config = raw.config as unknown as ModelConfig;
  if (Array.isArray(raw.parameters) && raw.parameters.every((p) => isObject(p) && typeof p.name === 'string' && Array.isArray(p.dims) && p.dims.every(Number.isInteger))) {
    m.parameters = raw.parameters as { name: string; dims: number[] }[];
  }
  for (const k of ['input', 'output'] as const) if (isModelIO(raw[k])) m[k] = raw[k];
  if (isObject(raw.files)) m.files = raw.files as LenientManifest['files'];
  if (isObject(raw.optimizer)) {
    const o = raw.optimizer;
    m.optimizer = {
      ...(typeof o.name === 'string' ? { name: o.name } : {}),
      ...(Array.isArray(o.state) && o.state.every((n) => typeof n === 'string') ? { state: o.state as string[] } : {}),
      ...(typeof o.lr === 'number' ? { lr: o.lr } : {}),
    };
  }
  if (isObject(raw.data)) {
    const d = raw.data;
    const data: NonNullable<LenientManifest['data']> = {};
    if (typeof d.source === 'string') data.source = d.source;
    for (const k of ['seed', 'window', 'horizon'] as const) if (Number.isInteger(d[k])) data[k] = d[k] as number;
    if (isObject(d.split) && isRange(d.split.train) && isRange(d.split.test)) {
      data.split = { train: d.split.train, test: d.split.test, ...(isRange(d.split.validation) ? { validation: d.split.validation } : {}) };
    }
    if (Array.isArray(d.columns) && d.columns.length > 0 && d.columns.every((c) => typeof c === 'string')) data.columns = d.columns as string[];
    if (typeof d.target === 'string') data.target = d.target;
    // The trainer writes normalization at the top level; data.normalization is read too.
    const n = 'normalization' in d ? d.normalization : raw.normalization;
    if (n === null) data.normalization = null;
    else if (isObject(n) && typeof n.mean === 'number' && typeof n.std === 'number' && n.std > 0) data.normalization = { mean: n.mean, std: n.std };
    m.data = data;
  }
  return m;
}
