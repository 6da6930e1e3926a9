import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { formatStatus } from '../../src/cli/doctor.ts';
import { missingProviderFiles, providerDir, type CudaStatus } from '../../src/train/cuda.ts';

const exec = promisify(execFile);
const doctor = (...args: string[]) => exec(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'doctor', ...args]);
const noProvider = missingProviderFiles(providerDir()).length > 0;

test('doctor without the provider: CUDA not ready, naming the missing provider files; exit code 0', {
  skip: !noProvider && 'the CUDA provider is installed here',
}, async () => {
  const { stdout } = await doctor();
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^onnxruntime-node 1\.29\.0, onnxruntime-web 1\.29\.0$/);
  assert.ok(lines.includes('execution providers usable: cpu'));
  assert.ok(lines.includes('CUDA provider loads: not tried'));
  assert.ok(lines.some((l) => /^ {2}libcublasLt\.so\.13 +(missing|\/\S+)$/.test(l)));
  assert.match(lines.at(-1)!, /^CUDA: not ready: the CUDA execution provider is not installed \(.*libonnxruntime_providers_cuda\.so missing from .*\): run `npm run setup:cuda`$/);
});

test('doctor --json gives the same findings to a program', async () => {
  const status = JSON.parse((await doctor('--json')).stdout) as CudaStatus;
  assert.equal(status.ortNodeVersion, '1.29.0');
  assert.equal(status.providerDir, providerDir());
  assert.equal(status.providerPresent, !noProvider);
  assert.equal(status.libs.length, 7);
  if (noProvider) assert.equal(status.providerLoads, null);
});

test('a ready machine reads as ready, with cuda among the usable providers', () => {
  const text = formatStatus({
    ortNodeVersion: '1.29.0', ortWebVersion: '1.29.0', providerDir: '/x', providerPresent: true, providerLoads: true,
    libs: [{ name: 'libcudart.so.13', found: '/usr/lib/libcudart.so.13' }], gpus: ['GPU 0: NVIDIA H100 80GB HBM3'], problems: [],
  });
  assert.match(text, /^execution providers usable: cpu, cuda$/m);
  assert.match(text, /^GPUs: GPU 0: NVIDIA H100 80GB HBM3$/m);
  assert.match(text, /\nCUDA: ready$/);
});
