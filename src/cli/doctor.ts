// `ingraph doctor`: what this install can run on, and the first thing standing in CUDA's way. A diagnostic:
// it exits 0 whatever it finds, and 1 only when it fails itself.
import type { CommandModule } from 'yargs';
import { ONNXRUNTIME_VERSION } from '../onnx/versions.ts';
import { cudaStatus, type CudaStatus } from '../train/cuda.ts';

export function formatStatus(s: CudaStatus): string {
  const width = Math.max(...s.libs.map((l) => l.name.length));
  const loads = s.providerLoads === null ? 'not tried' : s.providerLoads ? 'yes (a CUDA session on device 0 works)' : 'no';
  return [
    `onnxruntime-node ${s.ortNodeVersion}, onnxruntime-web ${s.ortWebVersion ?? `not installed (the viewer's page bundles its own ${ONNXRUNTIME_VERSION})`}`,
    `execution providers usable: ${s.providerLoads ? 'cpu, cuda' : 'cpu'}`,
    `CUDA provider: ${s.providerPresent ? 'present' : 'missing'} in ${s.providerDir}`,
    `CUDA provider loads: ${loads}`,
    'CUDA libraries:',
    ...s.libs.map((l) => `  ${l.name.padEnd(width)}  ${l.found ?? 'missing'}`),
    `GPUs: ${s.gpus.length ? s.gpus.join('; ') : 'none found'}`,
    s.problems.length ? `CUDA: not ready: ${s.problems[0]}` : 'CUDA: ready',
  ].join('\n');
}

export const doctor: CommandModule<object, { json: boolean }> = {
  command: 'doctor',
  describe: 'check the CUDA setup: provider, CUDA libraries, GPUs',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'print the findings as JSON' }),
  handler: async ({ json }) => {
    const status = await cudaStatus();
    process.stdout.write(`${json ? JSON.stringify(status, null, 2) : formatStatus(status)}\n`);
  },
};
