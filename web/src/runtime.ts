// onnxruntime-web: local wasm, one thread, and a forecaster session that any [batch, window, features] -> one output
// model fits, whoever wrote it. WebGPU is used when asked for and available; otherwise wasm, and the reason is kept
// so the page can show it.
import * as ort from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { ModelInfo } from '../../src/onnx/inspect.ts';

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
  window: number | null;
  features: number | null;
  /** A fixed batch size (some exporters write one), or null when the batch is dynamic. */
  batch: number | null;
}

export class ContractError extends Error {
  override name = 'ContractError';
}

/** Checks the viewer's contract: one float input of rank 3, at least one output (the first is the forecast). */
export function forecasterContract(info: ModelInfo): Contract {
  if (info.inputs.length !== 1) {
    throw new ContractError(`the model has ${info.inputs.length} inputs; a forecaster takes one, x [batch, window, features]`);
  }
  const x = info.inputs[0]!;
  if (x.elemType !== 'FLOAT') throw new ContractError(`input "${x.name}" is ${x.elemType}; a forecaster takes FLOAT`);
  if (!x.shape || x.shape.length !== 3) {
    const got = x.shape ? `rank ${x.shape.length} [${x.shape.map((d) => d ?? '?').join(', ')}]` : 'no declared shape';
    throw new ContractError(`input "${x.name}" has ${got}; a forecaster takes rank 3 [batch, window, features]`);
  }
  if (info.outputs.length === 0) throw new ContractError('the model has no outputs');
  const num = (d: number | string | null) => (typeof d === 'number' && d > 0 ? d : null);
  return { input: x.name, output: info.outputs[0]!.name, batch: num(x.shape[0]!), window: num(x.shape[1]!), features: num(x.shape[2]!) };
}

export interface Runner {
  ep: Ep;
  /** The WebGPU adapter, when the session runs on WebGPU. */
  adapter: AdapterInfo | null;
  /** Why the provider is not the one asked for, or null. */
  fallback: string | null;
  contract: Contract;
  /** Runs rows of x [rows, window, features]; returns the first value of each row's output. */
  predict(x: Float32Array, rows: number, window: number, features: number): Promise<Float32Array>;
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

export async function createRunner(m: ModelBytes, contract: Contract, want: Ep): Promise<Runner> {
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
  const predict = async (x: Float32Array, rows: number, window: number, features: number): Promise<Float32Array> => {
    const out = new Float32Array(rows);
    // A model exported with a fixed batch is fed that many rows at a time, the last chunk padded with zeros.
    const chunk = contract.batch ?? Math.max(rows, 1);
    const stride = window * features;
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      const data = new Float32Array(chunk * stride);
      data.set(x.subarray(start * stride, (start + n) * stride));
      const feeds = { [contract.input]: new ort.Tensor('float32', data, [chunk, window, features]) };
      const result = await s.run(feeds, [contract.output]);
      const y = result[contract.output]!;
      const values = (await y.getData()) as Float32Array;
      const perRow = values.length / chunk;
      if (!Number.isInteger(perRow) || perRow < 1) throw new ContractError(`output "${contract.output}" has dims [${y.dims.join(', ')}], not one row per input row`);
      for (let i = 0; i < n; i++) out[start + i] = values[i * perRow]!;
      y.dispose();
    }
    return out;
  };
  return { ep, adapter: ep === 'webgpu' ? adapter : null, fallback, contract, predict, release: () => s.release() };
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
