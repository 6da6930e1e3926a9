// The files the Node side writes beside model.onnx, read leniently: the page uses what is there and says what is
// wrong with the rest, since a viewer should still show a model whose manifest is old or hand-edited.
import type { ModelConfig } from '../../src/graph/model.ts';
import type { Normalizer } from '../../src/data/normalize.ts';

export interface ParameterEntry {
  name: string;
  dims: number[];
  dtype: string;
}

export interface ManifestData {
  source?: string;
  seed?: number;
  window?: number;
  horizon?: number;
  split?: { train: [number, number]; test: [number, number] };
  normalization?: Normalizer | null;
}

export interface Manifest {
  config?: ModelConfig;
  parameters?: ParameterEntry[];
  files?: Record<string, string>;
  data?: ManifestData;
  optimizer?: Record<string, unknown>;
}

export interface LogLine {
  epoch: number;
  train_loss: number;
  test_loss?: number;
  seconds?: number;
}

export type Metrics = Record<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isRange = (r: unknown): r is [number, number] => Array.isArray(r) && r.length === 2 && r.every(Number.isInteger);

/** Keeps the fields the page uses when they have the right types; `source` names the file in messages. */
export function parseManifest(text: string, source = 'manifest.json'): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  if (!isObject(raw) || raw.format !== 'ingraph-manifest') throw new Error(`${source}: not an ingraph manifest (no "format": "ingraph-manifest")`);
  const m: Manifest = {};
  if (isObject(raw.config)) m.config = raw.config as unknown as ModelConfig;
  if (Array.isArray(raw.parameters) && raw.parameters.every((p) => isObject(p) && typeof p.name === 'string' && Array.isArray(p.dims))) {
    m.parameters = raw.parameters as ParameterEntry[];
  }
  if (isObject(raw.files)) m.files = raw.files as Record<string, string>;
  if (isObject(raw.optimizer)) m.optimizer = raw.optimizer;
  if (isObject(raw.data)) {
    const d = raw.data;
    const data: ManifestData = {};
    if (typeof d.source === 'string') data.source = d.source;
    for (const k of ['seed', 'window', 'horizon'] as const) if (Number.isInteger(d[k])) data[k] = d[k] as number;
    if (isObject(d.split) && isRange(d.split.train) && isRange(d.split.test)) data.split = { train: d.split.train, test: d.split.test };
    // The trainer writes normalization at the top level; data.normalization is read too.
    const n = 'normalization' in d ? d.normalization : raw.normalization;
    if (n === null) data.normalization = null;
    else if (isObject(n) && typeof n.mean === 'number' && typeof n.std === 'number' && n.std > 0) data.normalization = { mean: n.mean, std: n.std };
    m.data = data;
  }
  return m;
}

/** The file holding the fused train step, as the manifest names it (a plain file name beside the model). */
export function trainStepFile(m: Manifest | null): string {
  const name = m?.files?.trainStep;
  return typeof name === 'string' && /^[\w.-]+$/.test(name) && !name.startsWith('.') ? name : 'train_step.onnx';
}

/** Learning rate and batch size of the run that trained the model, to start a fine-tune from. */
export function trainingSettings(s: Sidecars): { lr?: number; batchSize?: number } {
  const settings = s.metrics?.settings;
  const from = isObject(settings) ? settings : {};
  const lr = from.lr ?? s.manifest?.optimizer?.lr;
  const batchSize = from.batchSize;
  return {
    ...(typeof lr === 'number' && lr > 0 ? { lr } : {}),
    ...(Number.isInteger(batchSize) && (batchSize as number) > 0 ? { batchSize: batchSize as number } : {}),
  };
}

export function parseMetrics(text: string, source = 'metrics.json'): Metrics {
  const raw: unknown = JSON.parse(text);
  if (!isObject(raw)) throw new Error(`${source}: expected a JSON object`);
  return raw;
}

/** One object per line; blank lines are skipped and a bad line is reported by number. */
export function parseTrainLog(text: string, source = 'train-log.jsonl'): LogLine[] {
  const out: LogLine[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${source} line ${i + 1}: not JSON`);
    }
    if (!isObject(v) || typeof v.epoch !== 'number' || typeof v.train_loss !== 'number') {
      throw new Error(`${source} line ${i + 1}: needs numeric "epoch" and "train_loss"`);
    }
    out.push({
      epoch: v.epoch,
      train_loss: v.train_loss,
      ...(typeof v.test_loss === 'number' ? { test_loss: v.test_loss } : {}),
      ...(typeof v.seconds === 'number' ? { seconds: v.seconds } : {}),
    });
  });
  return out;
}

export interface Sidecars {
  manifest: Manifest | null;
  metrics: Metrics | null;
  log: LogLine[] | null;
  /** One line per sidecar that exists but could not be read. */
  problems: string[];
}

/** The files that sit beside a model, fetched by URL or picked among dropped files by their names. */
export type SidecarSource = (name: string) => Promise<string | null>;

export async function readSidecars(get: SidecarSource): Promise<Sidecars> {
  const out: Sidecars = { manifest: null, metrics: null, log: null, problems: [] };
  const read = async <T>(name: string, parse: (text: string, source: string) => T): Promise<T | null> => {
    try {
      const text = await get(name);
      return text === null ? null : parse(text, name);
    } catch (e) {
      out.problems.push((e as Error).message);
      return null;
    }
  };
  [out.manifest, out.metrics, out.log] = await Promise.all([
    read('manifest.json', parseManifest),
    read('metrics.json', parseMetrics),
    read('train-log.jsonl', parseTrainLog),
  ]);
  return out;
}

/** A fetcher for files beside `base`: null on 404, an error on anything else that fails. */
export function besideUrl(base: URL): SidecarSource {
  return async (name) => {
    const res = await fetch(new URL(name, base), { cache: 'no-cache' });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
    return res.text();
  };
}
