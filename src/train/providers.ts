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

/** Multiply-adds per extra thread: below this, one thread. The recurrent product of a time step,
 *  batch × 4·hidden × (hidden + features), is the largest piece of work ONNX Runtime can split across threads; at
 *  small sizes each node is a few microseconds of work, and waking a second thread for every one of ~250 nodes a
 *  step costs more than it saves (2 threads doubled the step at hidden 5: docs/perf.md). */
export const MACS_PER_THREAD = 2 ** 22;

/** 'auto': one thread for small steps, then one more per MACS_PER_THREAD multiply-adds of a time step's product,
 *  at most the machine's cores. */
export function autoThreads(s: StepSize, cores = availableParallelism()): number {
  const macs = s.batch * 4 * s.hidden * (s.hidden + s.features);
  return Math.max(1, Math.min(cores, Math.floor(macs / MACS_PER_THREAD)));
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
