// The files the Node side writes beside model.onnx, read leniently: the page uses what is there and says what is
// wrong with the rest, since a viewer should still show a model whose manifest is old or hand-edited.
import { FILES, parseManifestLenient, type LenientManifest } from '../../src/artifacts/manifest.ts';

export type Manifest = LenientManifest;
export type ParameterEntry = NonNullable<Manifest['parameters']>[number];
export const parseManifest = parseManifestLenient;

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

/** The file holding the fused train step, as the manifest names it (a plain file name beside the model). */
export function trainStepFile(m: Manifest | null): string {
  const name = m?.files?.trainStep;
  return typeof name === 'string' && /^[\w.-]+$/.test(name) && !name.startsWith('.') ? name : FILES.trainStep;
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

export function parseMetrics(text: string, source: string = FILES.metrics): Metrics {
  const raw: unknown = JSON.parse(text);
  if (!isObject(raw)) throw new Error(`${source}: expected a JSON object`);
  return raw;
}

/** One object per line; blank lines are skipped and a bad line is reported by number. */
export function parseTrainLog(text: string, source: string = FILES.log): LogLine[] {
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
    read(FILES.manifest, parseManifest),
    read(FILES.metrics, parseMetrics),
    read(FILES.log, parseTrainLog),
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
