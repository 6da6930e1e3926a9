// What a CUDA run needs, found without needing a GPU: ONNX Runtime's CUDA provider beside onnxruntime-node's
// library, the CUDA 13 libraries that provider links, the NVIDIA driver, and the GPUs. Also turns ONNX Runtime's
// CUDA failures into one plain sentence each (the "core" of an error: callers add where to go next).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { onnx } from '../onnx/proto.ts';
import { PRODUCER } from '../onnx/versions.ts';
import { commandLine } from '../node/where.ts';

const exec = promisify(execFile);
const require = createRequire(import.meta.url);

export const PROVIDER_FILES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
// What the provider (ONNX Runtime 1.29 built for CUDA 13) links or opens at run time; libcuda.so.1 is the driver's.
const CUDA_LIBS = [
  'libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13', 'libcudnn.so.9', 'libcurand.so.10', 'libcufft.so.12',
  'libcuda.so.1',
];
// The loader's default folders, searched after LD_LIBRARY_PATH and its cache (ld.so(8)).
const DEFAULT_LIB_DIRS = ['/lib64', '/usr/lib64', '/lib', '/usr/lib'];

export interface CudaStatus {
  ortNodeVersion: string;
  /** null when onnxruntime-web is not installed: an optional peer; the viewer's page bundles its own. */
  ortWebVersion: string | null;
  providerDir: string;
  providerPresent: boolean;
  /** A tiny session on CUDA device 0 could be created; null when the provider is not there to try. */
  providerLoads: boolean | null;
  libs: { name: string; found: string | null }[];
  gpus: string[];
  /** Why CUDA is not ready, most fundamental first; empty when it is. */
  problems: string[];
}

export interface Probe {
  ok: boolean;
  error: string | null;
  /** The dynamic loader's reason, which ONNX Runtime only writes to its log, never into the error. */
  loadError: string | null;
}

export function packageDir(name: string): string {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === name) return dir;
  }
  throw new Error(`cannot find the folder of package ${name}`);
}

export function packageVersion(name: string): string {
  return JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;
}

/** The installed version of an optional package, or null when it is not installed. */
function optionalVersion(name: string): string | null {
  try {
    return packageVersion(name);
  } catch {
    return null;
  }
}

/** onnxruntime-node loads execution providers from the folder of its own libonnxruntime.so.1. */
export function providerDir(ortDir = packageDir('onnxruntime-node')): string {
  const bin = join(ortDir, 'bin');
  const napi = readdirSync(bin).find((d) => d.startsWith('napi-v') && existsSync(join(bin, d, process.platform, process.arch)));
  if (!napi) throw new Error(`onnxruntime-node has no native library for ${process.platform} ${process.arch} in ${bin}`);
  return join(bin, napi, process.platform, process.arch);
}

export function missingProviderFiles(dir: string): string[] {
  return PROVIDER_FILES.filter((f) => !existsSync(join(dir, f)));
}

export function unsupportedPlatform(): string | null {
  return process.platform === 'linux' && process.arch === 'x64'
    ? null
    : `the CUDA execution provider is set up for Linux x64 only, and this is ${process.platform} ${process.arch}: use --ep cpu`;
}

export function notInstalled(dir: string, missing: string[]): string {
  return `the CUDA execution provider is not installed (${missing.join(' and ')} missing from ${dir}): run \`${commandLine('setup-cuda')}\``;
}

async function ldconfigCache(): Promise<Map<string, string>> {
  const libs = new Map<string, string>();
  // ldconfig lives in /sbin, which is often not on a user's PATH.
  for (const cmd of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      const { stdout } = await exec(cmd, ['-p']);
      for (const m of stdout.matchAll(/^\s*(\S+) \(([^)]*)\) => (\S+)$/gm)) {
        if (m[2].includes('x86-64') && !libs.has(m[1])) libs.set(m[1], m[3]);
      }
      return libs;
    } catch {
      // try the next place ldconfig may be
    }
  }
  return libs;
}

/** Where the dynamic loader would find each CUDA library: LD_LIBRARY_PATH, then its cache, then the defaults. */
export async function findLibs(): Promise<{ name: string; found: string | null }[]> {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  const cache = await ldconfigCache();
  const inDirs = (name: string, dirs: string[]) => dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  return CUDA_LIBS.map((name) => ({
    name,
    found: inDirs(name, fromEnv) ?? cache.get(name) ?? inDirs(name, DEFAULT_LIB_DIRS) ?? null,
  }));
}

/** "GPU 0: NVIDIA H100 80GB HBM3" per GPU, from `nvidia-smi -L`; empty when it is missing or lists none. */
export async function gpuNames(): Promise<string[]> {
  try {
    const { stdout } = await exec('nvidia-smi', ['-L'], { timeout: 15_000 });
    return stdout.split('\n').filter((l) => l.startsWith('GPU ')).map((l) => l.replace(/ \(UUID: [^)]*\)\s*$/, '').trim());
  } catch {
    return [];
  }
}

/** One Relu at opset 17: the smallest graph that makes ONNX Runtime set up an execution provider. */
export function tinyModel(): Uint8Array {
  const vec = { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } } };
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: PRODUCER,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'probe',
      node: [{ name: 'relu', opType: 'Relu', input: ['x'], output: ['y'] }],
      input: [{ name: 'x', type: vec }],
      output: [{ name: 'y', type: vec }],
    },
  }).finish();
}

// Runs in a child: the loader's reason for a failed provider load reaches only ONNX Runtime's log on stderr,
// and a failed load must not leave its log lines on the user's terminal.
const PROBE = `
const ort = (await import(process.env.INGRAPH_ORT)).default;
try {
  const s = await ort.InferenceSession.create(Buffer.from(process.env.INGRAPH_MODEL, 'base64'),
    { executionProviders: [{ name: 'cuda', deviceId: Number(process.env.INGRAPH_DEVICE) }] });
  await s.release();
  console.log(JSON.stringify({ error: null }));
} catch (e) {
  console.log(JSON.stringify({ error: e.message }));
}`;

/** Creates a tiny CUDA session in a child process and reports how it went. */
export async function probeCuda(deviceId = 0, ortDir = packageDir('onnxruntime-node')): Promise<Probe> {
  const env = {
    ...process.env,
    INGRAPH_ORT: pathToFileURL(join(ortDir, 'dist', 'index.js')).href,
    INGRAPH_MODEL: Buffer.from(tinyModel()).toString('base64'),
    INGRAPH_DEVICE: String(deviceId),
  };
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await exec(process.execPath, ['--input-type=module', '-e', PROBE], { env, timeout: 120_000 }));
  } catch (err) {
    const e = err as { message: string; stderr?: string };
    return { ok: false, error: `the CUDA probe process failed: ${e.message.split('\n')[0]}`, loadError: loaderReason(e.stderr ?? '') };
  }
  const error = (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { error: string | null }).error;
  return { ok: error === null, error, loadError: loaderReason(stderr) };
}

function loaderReason(log: string): string | null {
  // eslint-disable-next-line no-control-regex
  return /Failed to load library \S+ with error: (.+)$/m.exec(log.replace(/\x1b\[[0-9;]*m/g, ''))?.[1].trim() ?? null;
}

/** Why a provider library failed to load, from the dynamic loader's reason. */
function explainLoadError(loadError: string, dir: string): string {
  const missing = /^(\S+): cannot open shared object file/.exec(loadError)?.[1];
  if (missing && PROVIDER_FILES.includes(basename(missing))) return notInstalled(dir, [basename(missing)]);
  if (missing === 'libcuda.so.1') {
    return 'the NVIDIA driver is not installed or not visible (libcuda.so.1 not found): install the NVIDIA driver';
  }
  if (missing) {
    return `the CUDA provider is installed but ${missing} is missing: install the CUDA 13 libraries and cuDNN 9, or add their folder to LD_LIBRARY_PATH`;
  }
  // A versioned symbol names the library that lacks it: one found under the right name but from another build.
  const symbol = /undefined symbol: ([^,\s]+), version (\S+)/.exec(loadError);
  if (symbol) {
    return `the CUDA provider does not load: the ${symbol[2]} found lacks ${symbol[1]}, so it is not the CUDA 13 build the provider needs`;
  }
  return `the CUDA provider library does not load (${loadError}): reinstall it with \`${commandLine('setup-cuda')}\``;
}

/**
 * The one-sentence reason for ONNX Runtime's CUDA session failure `raw`, or null when it is not about CUDA.
 * ORT 1.29 says only "OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library" for every
 * load failure; the reason comes from `loadError` (see probeCuda). Device problems arrive as ORT's
 * "CUDA failure <code>: <text> ; GPU=… ; expr=cudaSetDevice(…)" inside a long C++ message.
 */
export function explainCudaError(raw: string, loadError: string | null, deviceId: number, gpus: string[], dir: string): string | null {
  if (loadError) return explainLoadError(loadError, dir);
  if (/Failed to load shared library/.test(raw)) return `the CUDA provider failed to load (ONNX Runtime says: ${raw})`;
  const m = /(CUDA|CUBLAS|CUDNN|CURAND|CUFFT) failure (\d+): ([^;\n]*)/.exec(raw);
  if (!m) return null;
  const [what, kind, code, text] = [m[0].trim(), m[1], Number(m[2]), m[3].trim()];
  if (kind === 'CUDA' && code === 101) {
    const visible = process.env.CUDA_VISIBLE_DEVICES === undefined ? '' : `, CUDA_VISIBLE_DEVICES=${process.env.CUDA_VISIBLE_DEVICES}`;
    const here = gpus.length ? `this machine has ${gpus.join(', ')}${visible}` : `no GPU list from nvidia-smi${visible}`;
    return `CUDA device ${deviceId} does not exist (${here}): pick another --device`;
  }
  if (kind === 'CUDA' && code === 100) return `no CUDA-capable GPU is visible (${what}): check the GPU and the NVIDIA driver`;
  if (kind === 'CUDA' && code === 35) return `the NVIDIA driver is too old for CUDA 13 (${what}): update the driver`;
  return `CUDA failed while creating the session (${kind} failure ${code}: ${text})`;
}

export async function cudaStatus(ortDir = packageDir('onnxruntime-node')): Promise<CudaStatus> {
  const dir = providerDir(ortDir);
  const missing = missingProviderFiles(dir);
  const [libs, gpus, probe] = await Promise.all([findLibs(), gpuNames(), missing.length ? null : probeCuda(0, ortDir)]);
  const problems = [unsupportedPlatform(), missing.length ? notInstalled(dir, missing) : null];
  if (probe && !probe.ok) {
    const error = probe.error ?? '';
    problems.push(explainCudaError(error, probe.loadError, 0, gpus, dir) ?? `a CUDA session fails: ${error}`);
  }
  for (const { name } of libs.filter((l) => !l.found)) {
    const fix = name === 'libcuda.so.1' ? 'install the NVIDIA driver' : 'install the CUDA 13 libraries and cuDNN 9, or add their folder to LD_LIBRARY_PATH';
    problems.push(`${name} not found (not in LD_LIBRARY_PATH, the loader's cache or ${DEFAULT_LIB_DIRS.join(', ')}): ${fix}`);
  }
  if (!gpus.length && !probe?.ok) problems.push('no NVIDIA GPU found (`nvidia-smi -L` is missing or lists none)');
  return {
    ortNodeVersion: JSON.parse(readFileSync(join(ortDir, 'package.json'), 'utf8')).version,
    ortWebVersion: optionalVersion('onnxruntime-web'),
    providerDir: dir,
    providerPresent: missing.length === 0,
    providerLoads: probe ? probe.ok : null,
    libs,
    gpus,
    problems: problems.filter((p): p is string => p !== null),
  };
}
