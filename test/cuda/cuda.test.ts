import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  cudaStatus, explainCudaError, findLibs, gpuNames, packageDir, probeCuda, providerDir,
} from '../../src/train/cuda.ts';

const DIR = '/opt/ort/bin/napi-v6/linux/x64';
// ONNX Runtime 1.29's error for every provider load failure; the reason is only in its log (see probeCuda).
const LOAD_FAILED = 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library';
const explain = (raw: string, loadError: string | null = null, gpus: string[] = []) => explainCudaError(raw, loadError, 0, gpus, DIR);

function tempDir(t: TestContext, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ingraph-${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function withEnv(name: string, value: string, body: () => Promise<void>): Promise<void> {
  const before = process.env[name];
  process.env[name] = value;
  return body().finally(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}

test('load failures, by the reasons the dynamic loader gave ONNX Runtime 1.29 here', () => {
  assert.match(explain(LOAD_FAILED, `${DIR}/libonnxruntime_providers_shared.so: cannot open shared object file: No such file or directory`)!,
    /^the CUDA execution provider is not installed \(libonnxruntime_providers_shared\.so missing from .*\): run `npm run setup:cuda`$/);
  assert.match(explain(LOAD_FAILED, 'libcublasLt.so.13: cannot open shared object file: No such file or directory')!,
    /installed but libcublasLt\.so\.13 is missing: install the CUDA 13 libraries/);
  assert.match(explain(LOAD_FAILED, 'libcuda.so.1: cannot open shared object file: No such file or directory')!,
    /NVIDIA driver .*libcuda\.so\.1 not found/);
  assert.match(explain(LOAD_FAILED, `${DIR}/libonnxruntime_providers_cuda.so: invalid ELF header`)!,
    /does not load \(.*invalid ELF header\): reinstall it with `npm run setup:cuda`/);
  assert.match(explain(LOAD_FAILED, `${DIR}/libonnxruntime_providers_cuda.so: undefined symbol: cublasLtMatmulDescDestroy, version libcublasLt.so.13`)!,
    /the libcublasLt\.so\.13 found lacks cublasLtMatmulDescDestroy/);
  assert.match(explain(LOAD_FAILED)!, /failed to load \(ONNX Runtime says: OrtSessionOptions/);
});

test('CUDA failures inside ONNX Runtime\'s C++ message become one sentence', () => {
  const cudaCall = (code: string) => '/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:123 std::conditional_t<THRW, void, ' +
    `onnxruntime::common::Status> onnxruntime::CudaCall(...) [with ERRTYPE = cudaError; bool THRW = true] CUDA failure ${code} ; ` +
    'GPU=3 ; hostname=h ; file=/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_execution_provider.cc ; line=282 ; ' +
    'expr=cudaSetDevice(info_.device_id);';
  const bad = (gpus: string[]) => explainCudaError(cudaCall('101: invalid device ordinal'), null, 3, gpus, DIR);
  assert.equal(bad(['GPU 0: NVIDIA H100 80GB HBM3']),
    'CUDA device 3 does not exist (this machine has GPU 0: NVIDIA H100 80GB HBM3): pick another --device');
  assert.equal(bad([]), 'CUDA device 3 does not exist (no GPU list from nvidia-smi): pick another --device');
  assert.match(explain(cudaCall('100: no CUDA-capable device is detected'))!, /^no CUDA-capable GPU is visible \(CUDA failure 100/);
  assert.match(explain(cudaCall('35: CUDA driver version is insufficient for CUDA runtime version'))!, /driver is too old/);
  assert.equal(explain('CUBLAS failure 3: CUBLAS_STATUS_NOT_INITIALIZED ; GPU=0'),
    'CUDA failed while creating the session (CUBLAS failure 3: CUBLAS_STATUS_NOT_INITIALIZED)');
  assert.equal(explain('Load model from m.onnx failed:Protobuf parsing failed.'), null);
});

test('findLibs looks in LD_LIBRARY_PATH first', async (t) => {
  const dir = tempDir(t, 'libs');
  writeFileSync(join(dir, 'libcufft.so.12'), '');
  await withEnv('LD_LIBRARY_PATH', `/nonexistent:${dir}`, async () => {
    const libs = await findLibs();
    assert.equal(libs.find((l) => l.name === 'libcufft.so.12')?.found, join(dir, 'libcufft.so.12'));
    assert.deepEqual(libs.map((l) => l.name), [
      'libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13', 'libcudnn.so.9', 'libcurand.so.10', 'libcufft.so.12', 'libcuda.so.1',
    ]);
  });
});

test('gpuNames reads `nvidia-smi -L` and drops the UUIDs', async (t) => {
  const bin = tempDir(t, 'smi');
  writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\necho "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1)"\necho "GPU 1: NVIDIA H200 (UUID: GPU-2)"\n');
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  await withEnv('PATH', `${bin}:${process.env.PATH}`, async () => {
    assert.deepEqual(await gpuNames(), ['GPU 0: NVIDIA H100 80GB HBM3', 'GPU 1: NVIDIA H200']);
  });
});

// A copy of onnxruntime-node's Linux x64 part, to put broken provider files beside its library.
function ortCopy(t: TestContext): { ortDir: string; dir: string } {
  const real = packageDir('onnxruntime-node');
  const root = tempDir(t, 'ort');
  const ortDir = join(root, 'node_modules', 'onnxruntime-node');
  const dir = join(ortDir, relative(real, providerDir(real)));
  mkdirSync(dir, { recursive: true });
  cpSync(join(real, 'dist'), join(ortDir, 'dist'), { recursive: true });
  copyFileSync(join(real, 'package.json'), join(ortDir, 'package.json'));
  for (const f of ['libonnxruntime.so.1', 'onnxruntime_binding.node']) copyFileSync(join(providerDir(real), f), join(dir, f));
  symlinkSync(packageDir('onnxruntime-common'), join(root, 'node_modules', 'onnxruntime-common'));
  return { ortDir, dir };
}

const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

test('probeCuda reads the loader\'s reason from a child\'s log: no provider, then a broken one', { skip: !linuxX64 }, async (t) => {
  const { ortDir, dir } = ortCopy(t);
  const none = await probeCuda(0, ortDir);
  assert.equal(none.ok, false);
  assert.equal(none.error, 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
  assert.equal(none.loadError, `${dir}/libonnxruntime_providers_shared.so: cannot open shared object file: No such file or directory`);

  for (const f of ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so']) writeFileSync(join(dir, f), 'not a library');
  const broken = await cudaStatus(ortDir);
  assert.equal(broken.providerPresent, true);
  assert.equal(broken.providerLoads, false);
  assert.match(broken.problems[0]!, /^the CUDA provider library does not load \(.*libonnxruntime_providers_shared\.so: (invalid ELF header|file too short)\)/);
});
