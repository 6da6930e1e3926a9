// Execution providers: which one a run uses, and the one place sessions are created, so that every CUDA failure
// becomes one clear line pointing to the doctor command instead of ONNX Runtime's C++ message.
import { availableParallelism } from 'node:os';
import { InferenceSession } from 'onnxruntime-node';
import { commandLine } from '../node/where.ts';
import { UserError } from '../errors.ts';
import {
  explainCudaError, gpuNames, missingProviderFiles, notInstalled, probeCuda, providerDir, tinyModel, unsupportedPlatform,
} from './cuda.ts';

export const EP_NAMES = ['cpu', 'cuda', 'auto'] as const;
export type EpName = (typeof EP_NAMES)[number];

/** Intra-op threads as asked: a count, or 'auto' (autoThreads). */
export type Threads = number | 'auto';

/** The size of one training step, as --threads auto judges it. */
export interface StepSize {
  batch: number;
  hidden: number;
  features: number;
}

/** Multiply-adds of a time step's recurrent product, batch × 4·hidden × (hidden + features), from which a second
 *  thread pays. Small steps are a few microseconds of work a node, and waking a second thread for each costs more
 *  than it saves. On this 2-core machine, with the train step as it is since the step's Gemm lost its C input
 *  (docs/perf.md), 1 thread / 2 threads was 0.82 at 270K (hidden 32 batch 64), 0.98 at 1.08M (hidden 32 batch 256,
 *  windows 10 and 50), 1.13 at 2.1M (hidden 64 batch 128), 1.08–1.11 at 4.2M (hidden 128 batch 64), 1.40–1.42 from
 *  4.3M (hidden 64 batch 256, hidden 128 batch 256). */
export const MACS_FOR_TWO_THREADS = 2 ** 21;
/** Beyond two, one thread per this many multiply-adds (not measured past 2 cores: kept as it was). */
export const MACS_PER_THREAD = 2 ** 22;

/** 'auto': one thread for small steps, two from MACS_FOR_TWO_THREADS, then one per MACS_PER_THREAD multiply-adds
 *  of a time step's product, at most the machine's cores. */
export function autoThreads(s: StepSize, cores = availableParallelism()): number {
  const macs = s.batch * 4 * s.hidden * (s.hidden + s.features);
  if (macs < MACS_FOR_TWO_THREADS) return 1;
  return Math.max(1, Math.min(cores, Math.max(2, Math.floor(macs / MACS_PER_THREAD))));
}

export function resolveThreads(t: Threads | undefined, s: StepSize): number {
  return t === 'auto' ? autoThreads(s) : t ?? 1;
}

export class EpError extends UserError {
  override name = 'EpError';
}

export interface SessionOptions {
  ep: 'cpu' | 'cuda';
  /** CUDA device index, default 0. */
  deviceId?: number;
  /** Intra-op threads (CPU EP), default 1. */
  threads?: number;
  /** graphOptimizationLevel, default 'all'. */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** logSeverityLevel 0, for placement checks. */
  verboseLog?: boolean;
}

function cudaError(core: string): EpError {
  return new EpError(`${core}; to check, run \`${commandLine('doctor')}\``);
}

function ortOptions(opts: SessionOptions, deviceId: number): InferenceSession.SessionOptions {
  return {
    executionProviders: opts.ep === 'cuda' ? [{ name: 'cuda', deviceId }] : ['cpu'],
    intraOpNumThreads: opts.threads ?? 1,
    graphOptimizationLevel: opts.optimization ?? 'all',
    ...(opts.verboseLog ? { logSeverityLevel: 0 as const } : {}),
  };
}

// Checks that need no ONNX Runtime call, so the common "no provider" case prints nothing from its C++ logger.
function checkCudaSetup(deviceId: number): void {
  if (!Number.isInteger(deviceId) || deviceId < 0) throw cudaError(`CUDA device index must be a whole number ≥ 0, not ${deviceId}`);
  const platform = unsupportedPlatform();
  if (platform) throw cudaError(platform);
  const dir = providerDir();
  const missing = missingProviderFiles(dir);
  if (missing.length) throw cudaError(notInstalled(dir, missing));
}

async function explainFailure(err: unknown, deviceId: number): Promise<unknown> {
  const raw = err instanceof Error ? err.message : String(err);
  // ONNX Runtime's error never says which library failed to load; a child session's log does.
  const loadError = /Failed to load shared library/.test(raw) ? (await probeCuda(deviceId)).loadError : null;
  const core = explainCudaError(raw, loadError, deviceId, await gpuNames(), providerDir());
  return core ? cudaError(core) : err;
}

export async function createSession(model: string | Uint8Array, opts: SessionOptions): Promise<InferenceSession> {
  const deviceId = opts.deviceId ?? 0;
  if (opts.ep === 'cuda') checkCudaSetup(deviceId);
  const options = ortOptions(opts, deviceId);
  try {
    return typeof model === 'string' ? await InferenceSession.create(model, options) : await InferenceSession.create(model, options);
  } catch (err) {
    throw opts.ep === 'cuda' ? await explainFailure(err, deviceId) : err;
  }
}

/** 'auto' creates a tiny CUDA session and falls back to the CPU when that fails; the note says which and why. */
export async function resolveEp(ep: EpName, deviceId = 0): Promise<{ ep: 'cpu' | 'cuda'; deviceId: number; note: string }> {
  if (ep === 'cpu') return { ep, deviceId, note: 'using the CPU' };
  if (ep === 'cuda') return { ep, deviceId, note: `using CUDA device ${deviceId}` };
  try {
    await (await createSession(tinyModel(), { ep: 'cuda', deviceId })).release();
  } catch (err) {
    if (!(err instanceof EpError)) throw err;
    return { ep: 'cpu', deviceId, note: `--ep auto: using the CPU, because CUDA is not usable: ${err.message}` };
  }
  const gpu = (await gpuNames()).find((g) => g.startsWith(`GPU ${deviceId}:`));
  return { ep: 'cuda', deviceId, note: `--ep auto: using CUDA device ${deviceId}${gpu ? ` (${gpu.replace(/^GPU \d+: /, '')})` : ''}` };
}
