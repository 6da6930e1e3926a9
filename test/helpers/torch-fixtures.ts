// The models PyTorch's exporters wrote (test/fixtures/torch, made by scripts/fixtures/export_torch.py) and what
// the script recorded with them: the batches, each module's initial state and its outputs on the first batch.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'torch');
export const FIXTURE_MODELS = ['lstm', 'lstm2', 'gru', 'rnn', 'bilstm', 'mlp', 'conv1d'] as const;
export const EXPORTERS = ['legacy', 'dynamo'] as const;
export type FixtureModel = (typeof FIXTURE_MODELS)[number];
export type Exporter = (typeof EXPORTERS)[number];

export interface Batches {
  window: number;
  batch: number;
  hidden: number;
  batches: { x: number[]; y: number[] }[];
}

export interface ModuleRecord {
  /** PyTorch's state_dict: names and layout as PyTorch has them. */
  state: Record<string, { dims: number[]; values: number[] }>;
  /** The module's outputs on batches[0], in eval mode. */
  outputs: number[];
}

export const fixturePath = (model: FixtureModel, exporter: Exporter) => join(FIXTURE_DIR, `${model}.${exporter}.onnx`);
export const readBatches = (): Batches => JSON.parse(readFileSync(join(FIXTURE_DIR, 'batches.json'), 'utf8'));
export const readModule = (model: FixtureModel): ModuleRecord => JSON.parse(readFileSync(join(FIXTURE_DIR, `${model}.json`), 'utf8'));

/** Every (model, exporter) pair. */
export const FIXTURES = FIXTURE_MODELS.flatMap((model) => EXPORTERS.map((exporter) => ({ model, exporter, path: fixturePath(model, exporter) })));
