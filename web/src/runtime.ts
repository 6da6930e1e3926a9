// onnxruntime-web: local wasm, one thread, and a forecaster session that any [batch, window, features] -> output
// model fits, whoever wrote it. WebGPU is used when asked for and available; otherwise wasm, and the reason is kept
// so the page can show it.
import * as ort from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { ModelInfo } from '../../src/onnx/inspect.ts';
import type { Manifest } from './artifacts.ts';

// Served from this origin (Vite copies the file into the build): no CDN. Threads would need cross-origin isolation
// headers, and the tutorial's model is far too small to gain from them.
ort.env.wasm.wasmPaths = { wasm: wasmUrl };
ort.env.wasm.numThreads = 1;

export type Ep = 'wasm' | 'webgpu';

/** The WebGPU adapter the browser offers, as it describes itself; null when there is none. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description: string;
  /** A software adapter (SwiftShader in headless Chromium): WebGPU work runs on the CPU. */
  software: boolean;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; device?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

export async function webgpuAdapter(): Promise<AdapterInfo | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return null;
  try {
    const a = await gpu.requestAdapter();
    if (!a) return null;
    const info = a.info ?? {};
    const architecture = info.architecture ?? '';
    const description = info.description || info.device || '';
    const software = info.isFallbackAdapter === true || a.isFallbackAdapter === true || /swiftshader|llvmpipe|software/i.test(`${architecture} ${description}`);
    return { vendor: info.vendor ?? '', architecture, description, software };
  } catch {
    return null;
  }
}

/** What the page needs to know about a model's input and output before running it. */
export interface Contract {
  input: string;
  output: string;
  /** Steps per example and values per step, as model.onnx declares them or, where it leaves them open, the
   *  manifest's input dims; null when neither fixes them. */
  window: number | null;
  features: number | null;
  /** A fixed batch size (some exporters write one), or null when the batch is dynamic. */
  batch: number | null;
}

/** A contract with every per-example size fixed: what a session is fed. */
export interface Feed extends Contract {
  window: number;
  features: number;
}

export class ContractError extends Error {
  override name = 'ContractError';
}

const size = (d: number | string | null | undefined) => (typeof d === 'number' && d > 0 ? d : null);

/**
 * Checks the viewer's contract: one float input of rank 3 [batch, window, features], at least one output (the one
 * the manifest names, else the first, is the forecast). The manifest's dims fill what the model leaves open.
 */
export function forecasterContract(info: ModelInfo, manifest: Pick<Manifest, 'input' | 'output'> | null): Contract {
  if (info.inputs.length !== 1) {
    throw new ContractError(`the model has ${info.inputs.length} inputs; a forecaster takes one, x [batch, window, features]`);
  }
  const x = info.inputs[0]!;
  if (x.elemType !== 'FLOAT') throw new ContractError(`input "${x.name}" is ${x.elemType}; a forecaster takes FLOAT`);
  const described = manifest?.input?.name === x.name ? manifest.input.dims : null;
  const shape = x.shape ?? described;
  if (!shape || shape.length !== 3) {
    const got = shape ? `rank ${shape.length} [${shape.map((d) => d ?? '?').join(', ')}]` : 'no declared shape';
    throw new ContractError(`input "${x.name}" has ${got}; a forecaster takes rank 3 [batch, window, features]`);
  }
  if (info.outputs.length === 0) throw new ContractError('the model has no outputs');
  const output = info.outputs.find((o) => o.name === manifest?.output?.name) ?? info.outputs[0]!;
  const dim = (i: number) => size(shape[i]) ?? size(described?.[i]);
  return { input: x.name, output: output.name, batch: size(shape[0]), window: dim(1), features: dim(2) };
}

/** Outputs for rows of input, `perRow` values each (the model's output per example, flattened). */
export interface Rows {
  values: Float32Array;
  perRow: number;
}

export interface Runner {
  ep: Ep;
  /** The WebGPU adapter, when the session runs on WebGPU. */
  adapter: AdapterInfo | null;
  /** Why the provider is not the one asked for, or null. */
  fallback: string | null;
  feed: Feed;
  /** Runs `rows` examples of x, each [window, features] as the feed fixes them. */
  predict(x: Float32Array, rows: number): Promise<Rows>;
  release(): Promise<void>;
}

export interface ModelBytes {
  bytes: Uint8Array;
  /** Files named by the model's external_data locations (PyTorch's model.onnx.data). */
  external: { path: string; data: Uint8Array }[];
}

async function session(m: ModelBytes, ep: Ep): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(m.bytes, {
    executionProviders: [ep],
    ...(m.external.length ? { externalData: m.external } : {}),
  });
}

export async function createRunner(m: ModelBytes, feed: Feed, want: Ep): Promise<Runner> {
  let ep = want;
  let fallback: string | null = null;
  let s: ort.InferenceSession;
  const adapter = want === 'webgpu' ? await webgpuAdapter() : null;
  if (want === 'webgpu' && !adapter) {
    ep = 'wasm';
    fallback = 'this browser has no WebGPU adapter';
  }
  try {
    s = await session(m, ep);
  } catch (e) {
    if (ep === 'wasm') throw e;
    ep = 'wasm';
    fallback = `WebGPU failed: ${(e as Error).message}`;
    s = await session(m, ep);
  }
  const { window, features } = feed;
  const predict = async (x: Float32Array, rows: number): Promise<Rows> => {
    // A model exported with a fixed batch is fed that many rows at a time, the last chunk padded with zeros.
    const chunk = feed.batch ?? Math.max(rows, 1);
    const stride = window * features;
    let out: Rows | null = null;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const data = new Float32Array(chunk * stride);
      data.set(x.subarray(start * stride, (start + n) * stride));
      const feeds = { [feed.input]: new ort.Tensor('float32', data, [chunk, window, features]) };
      const result = await s.run(feeds, [feed.output]);
      const y = result[feed.output]!;
      const values = (await y.getData()) as Float32Array;
      const perRow = values.length / chunk;
      if (!Number.isInteger(perRow) || perRow < 1) throw new ContractError(`output "${feed.output}" has dims [${y.dims.join(', ')}], not one row per input row`);
      out ??= { values: new Float32Array(rows * perRow), perRow };
      out.values.set(values.subarray(0, n * perRow), start * perRow);
      y.dispose();
    }
    return out ?? { values: new Float32Array(0), perRow: 1 };
  };
  return { ep, adapter: ep === 'webgpu' ? adapter : null, fallback, feed, predict, release: () => s.release() };
}

/** Median wall time of `repeats` runs after one warm-up, in milliseconds. */
export async function latency(run: () => Promise<unknown>, repeats = 9): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(repeats / 2)]!;
}
