// Every GPU check in one run, for the lent GPU machine (see ../shared/gpu/README.md for carrying node,
// node_modules and the CUDA provider there). Packing without what the check never loads keeps it to 4 chunks
// (207 MB, measured): GPU_KIT_EXCLUDE="--exclude=node_modules/@tensorflow --exclude=node_modules/@rolldown
// --exclude=node_modules/playwright-core --exclude=node_modules/core-js" bash ../shared/gpu/pack.sh; then the
// printed chunk calls, the last one running:
//   bash /tmp/gpu/on-device.sh npx tsx scripts/gpu-check.ts [--quick] [--out $OUT]
// 1. doctor: the CUDA provider loads;  2. placements: every compute node of model.onnx and train_step.onnx (both
// LSTM forward forms) on CUDA;  3. CPU and CUDA agree over 100 steps of the tutorial workload;  4. ingraph against
// PyTorch (its CPU and CUDA), tutorial and hidden-256 workloads, ms per step and total;  5. training_model +
// optimizer_model against torch.nn.LSTM + Adam (CPU and CUDA). Prints a Markdown table per part, writes them to
// --out, and exits 1 when a check or a floor fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { forecasterModel, initParameters, TUTORIAL_MODEL } from '../src/graph/model.ts';
import { writeArtifacts } from '../src/node/artifacts.ts';
import { makeOptimizer } from '../src/optim/index.ts';
import { cudaStatus } from '../src/train/cuda.ts';
import { nodesOffProvider, placementsOf } from '../src/train/placement.ts';
import { train } from '../src/train/trainer.ts';
import { nodeChild, runChild, type RunResult } from './bench/child.ts';
import { TORCH_SCRIPT, torchVersion, writeTorchJob } from './bench/torch.ts';
import { TUTORIAL, type Workload } from './bench/workload.ts';

const quick = process.argv.includes('--quick');
// --dry-cpu runs every part with the CPU in CUDA's place: a rehearsal here, so the GPU minutes are not spent on a
// script error.
const dry = process.argv.includes('--dry-cpu');
const GPU = dry ? ('cpu' as const) : ('cuda' as const);
const GPU_EP = dry ? 'CPUExecutionProvider' : 'CUDAExecutionProvider';
const outDir = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : 'gpu-results';
mkdirSync(outDir, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), 'ingraph-gpu-'));
const lines: string[] = [];
const failures: string[] = [];
const say = (s = '') => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
  return ok ? 'yes' : '**NO**';
};

// 1. The provider.
const status = await cudaStatus();
say(`# ingraph GPU check (${new Date().toISOString()})`);
say(`GPU: ${status.gpus.join('; ') || 'none'}; onnxruntime-node ${status.ortNodeVersion}; CPU: ${cpus()[0]?.model} x${cpus().length}`);
say(`CUDA provider ready: ${check(status.problems.length === 0, 'CUDA provider')}${status.problems.length ? ` (${status.problems[0]})` : ''}`);
if (status.problems.length && !dry) finish();

// 2. Placements. ONNX Runtime keeps small int64 shape/index arithmetic on the CPU by design; float compute must not.
const COMPUTE = new Set(['LSTM', 'Gemm', 'MatMul', 'Mul', 'Div', 'Sigmoid', 'Tanh', 'Relu', 'Sign', 'Sqrt', 'Pow', 'Pad', 'Split', 'Transpose', 'ReduceSum', 'ReduceMean', 'Where', 'Abs', 'Scan', 'Loop']);
say('\n## Node placements on the CUDA EP\n\n| graph | nodes off CUDA | float compute off CUDA | all on CUDA |\n| --- | --- | --- | --- |');
for (const lstmForward of ['unrolled', 'op'] as const) {
  const dir = join(tmp, `art-${lstmForward}`);
  writeArtifacts(dir, { model: forecasterModel(TUTORIAL_MODEL), params: initParameters(TUTORIAL_MODEL, 0), seed: 0, optimizer: makeOptimizer('adam'), lstmForward });
  for (const file of lstmForward === 'unrolled' ? ['model.onnx', 'train_step.onnx', 'eval_model.onnx'] : ['train_step.onnx']) {
    const off = nodesOffProvider(await placementsOf(join(dir, file), { ep: GPU }), GPU_EP);
    const compute = off.filter((n) => COMPUTE.has(n.split(' ')[0]!));
    say(`| ${file} (${lstmForward} LSTM forward) | ${off.length ? off.join(', ') : 'none'} | ${compute.length} | ${check(compute.length === 0, `placement ${file} ${lstmForward}`)} |`);
  }
}

// 3. CPU and CUDA agree: 100 steps of the tutorial workload (50 epochs of 2 batches), per-epoch train loss.
// Tolerance: ONNX Runtime's CUDA EP may use TF32 in matrix products (10-bit mantissa), so 1e-3 relative.
const AGREE_REL = 1e-3;
const logOf = async (ep: 'cpu' | 'cuda') => {
  const out = join(tmp, `agree-${ep}-${Math.random().toString(36).slice(2)}`);
  await train({ out, preset: 'tutorial', epochs: 50, ep });
  return readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).train_loss as number);
};
const [cpuLoss, cudaLoss] = [await logOf('cpu'), await logOf(GPU)];
const worst = Math.max(...cpuLoss.map((l, i) => Math.abs(l - cudaLoss[i]!) / Math.abs(l)));
say(`\n## CPU vs CUDA over 100 steps (tutorial)\n\nworst relative difference of the per-epoch training loss: ${worst.toExponential(2)} (bound ${AGREE_REL}): ${check(worst <= AGREE_REL, 'CPU/CUDA agreement')}`);
say(`first epoch ${cpuLoss[0]} vs ${cudaLoss[0]}; epoch 50 ${cpuLoss[49]} vs ${cudaLoss[49]}`);

// 4. Speed, against PyTorch eager in the same run.
const BIG: Workload = { ...TUTORIAL, hidden: 256, epochs: quick ? 30 : 300 };
const workloads: [string, Workload][] = [['tutorial (hidden 5, 1500 epochs)', quick ? { ...TUTORIAL, epochs: 150 } : TUTORIAL], ['hidden 256, 300 epochs', BIG]];
const torch = torchVersion();
const threads = cpus().length;
/** ms per step by workload: ingraph CPU (1 thread), ingraph CUDA at its best K, PyTorch CUDA. */
const ms: Record<string, { cpu?: number; cuda?: number; torchCuda?: number }> = {};
for (const [label, w] of workloads) {
  say(`\n## ${label}, batch 256, window 10\n\n| run | ms per step | total (s) | test MSE |\n| --- | ---: | ---: | ---: |`);
  const m: (typeof ms)[string] = (ms[label] = {});
  const row = (name: string, r: RunResult) => {
    say(`| ${name} | ${r.ms_per_step.toFixed(3)} | ${r.train_seconds.toFixed(2)} | ${r.test_mse?.toFixed(5) ?? '-'} |`);
  };
  const ing = (ep: 'cpu' | 'cuda', stepsPerRun: number, th: number, lstmForward: 'op' | 'unrolled' = 'unrolled') =>
    nodeChild('scripts/bench/ingraph-run.ts', { out: join(tmp, `b-${ep}-${w.hidden}-${stepsPerRun}-${lstmForward}`), epochs: w.epochs, stepsPerRun, evalEvery: w.epochs, threads: th, warmupEpochs: 5, ep, hidden: w.hidden, lstmForward }, 1_200_000);
  const cpu1 = await ing('cpu', 2, 1);
  row('ingraph CPU, 1 thread', cpu1);
  m.cpu = cpu1.ms_per_step;
  if (w.hidden > 5) row(`ingraph CPU, ${threads} threads`, await ing('cpu', 2, threads));
  row('ingraph CUDA, K = 1', await ing(GPU, 1, 1));
  let best: RunResult | null = null, bestK = 0;
  for (const k of [2, 20, 200, 2 * w.epochs]) {
    const r = await ing(GPU, k, 1);
    if (!best || r.ms_per_step < best.ms_per_step) [best, bestK] = [r, k];
  }
  row(`ingraph CUDA, best K = ${bestK}`, best!);
  // On the GPU the LSTM op runs as one cuDNN kernel where the unrolled form launches ~11 a step: measure both.
  const opForm = await ing(GPU, bestK, 1, 'op');
  row(`ingraph CUDA, best K = ${bestK}, LSTM op forward`, opForm);
  m.cuda = Math.min(best!.ms_per_step, opForm.ms_per_step);
  if (torch) {
    for (const [device, th] of [['cpu', 1], ['cpu', threads], [GPU, 1]] as const) {
      if (device === 'cpu' && th > 1 && w.hidden === 5) continue;
      const job = join(tmp, `torch-${device}-${th}-${w.hidden}.json`);
      writeTorchJob(job, w, { steps: null, warmupSteps: 20, device, threads: th });
      const r = await runChild('python3', [TORCH_SCRIPT, job], 1_800_000);
      row(`PyTorch ${torch} ${device}${device === 'cpu' ? `, ${th} thread${th > 1 ? 's' : ''}` : ''}`, r);
      if (device === 'cuda') m.torchCuda = r.ms_per_step;
    }
  } else say('| PyTorch: not available | | | |');
}
say('\n## Floors\n');
const big = ms[workloads[1]![0]]!, tut = ms[workloads[0]![0]]!;
if (big.cuda !== undefined && big.torchCuda !== undefined) {
  say(`- hidden 256: ingraph CUDA ${big.cuda.toFixed(3)} ms/step < PyTorch CUDA ${big.torchCuda.toFixed(3)}: ${check(big.cuda < big.torchCuda, 'floor: faster than PyTorch CUDA at hidden 256')}`);
}
say(`- tutorial: ingraph CUDA ${tut.cuda!.toFixed(3)} ms/step ≤ 2 × CPU ${tut.cpu!.toFixed(3)}: ${check(tut.cuda! <= 2 * tut.cpu!, 'floor: tutorial CUDA within 2x CPU')}`);

// 5. Agreement with PyTorch.
if (torch) {
  for (const device of ['cpu', GPU]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/torch-agreement.ts', '--device', device], { encoding: 'utf8' });
    say(`\n## training_model + optimizer_model vs PyTorch (${device})\n\n${r.stdout.trim()}`);
    check(r.status === 0, `PyTorch agreement (${device})`);
  }
}
finish();

function finish(): never {
  say(`\n${failures.length ? `FAILED: ${failures.join('; ')}` : 'all GPU checks passed'}`);
  writeFileSync(join(outDir, 'gpu-check.md'), `${lines.join('\n')}\n`);
  process.exit(failures.length ? 1 : 0);
}
