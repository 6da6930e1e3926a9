// PyTorch as a contender: whether this machine has it, and the job file that hands its child the same rows,
// batches and initial weights the other contenders use.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnxLstm, onnxToTorch } from './weights.ts';
import { ADAM, batchOrder, initialWeights, workloadData, type Workload } from './workload.ts';

export const TORCH_SCRIPT = join(import.meta.dirname, 'torch_train.py');

/** The torch version when `python3 -c "import torch"` works here, else null. */
export function torchVersion(python = 'python3'): string | null {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function writeTorchJob(path: string, w: Workload, o: { steps: number | null; warmupSteps: number; device?: 'cpu' | 'cuda'; threads?: number }): void {
  const d = workloadData(w);
  const init = initialWeights(w);
  const t = onnxToTorch(onnxLstm(init, w.hidden));
  const list = (a: ArrayLike<number>) => Array.from(a);
  const job = {
    hidden: w.hidden, window: w.window, lr: w.lr, beta1: ADAM.beta1, beta2: ADAM.beta2, eps: ADAM.eps,
    steps: o.steps, warmup_steps: o.warmupSteps, device: o.device ?? 'cpu', threads: o.threads ?? 1,
    train_x: list(d.trainX), train_y: list(d.trainY), test_x: list(d.testX), test_y: list(d.testY),
    batches: batchOrder(w, d.trainRows).map((epoch) => epoch.map(list)),
    weights: {
      weight_ih: list(t.weight_ih), weight_hh: list(t.weight_hh), bias_ih: list(t.bias_ih), bias_hh: list(t.bias_hh),
      fc_weight: list(init.get('fc.weight')!), fc_bias: list(init.get('fc.bias')!),
    },
  };
  writeFileSync(path, JSON.stringify(job));
}
