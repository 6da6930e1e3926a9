// `ingraph setup-cuda [--from DIR]`: installs ONNX Runtime's CUDA provider beside onnxruntime-node.
import type { CommandModule } from 'yargs';
import { commandLine } from '../node/where.ts';
import { packageVersion } from '../train/cuda.ts';
import { setupCuda } from '../train/setup-cuda.ts';

export const setupCudaCommand: CommandModule<object, { from?: string }> = {
  command: 'setup-cuda',
  describe: 'install ONNX Runtime\'s CUDA provider beside onnxruntime-node (from the npm registry, or --from DIR)',
  builder: (y) => y.option('from', { requiresArg: true, type: 'string', describe: 'copy libonnxruntime_providers_{cuda,shared}.so from DIR instead of downloading' }),
  handler: async (a) => {
    const copied = await setupCuda({ from: a.from });
    process.stdout.write(`installed the CUDA provider:\n${copied.map((f) => `  ${f}\n`).join('')}`);
    if (a.from) process.stdout.write(`it must be built from ONNX Runtime ${packageVersion('onnxruntime-node')}, as onnxruntime-node is\n`);
    process.stdout.write(`next: run \`${commandLine('doctor')}\` to check the CUDA libraries and the GPU\n`);
  },
};
