// From the same initial weights and the same unshuffled batches, training_model.onnx +
// optimizer_model.onnx against torch.nn.LSTM + torch.optim.Adam: per-step losses over 100 steps and the step-0
// gradients. Needs python3 with torch (the GPU machine has it); says so and exits 2 where it is missing.
//   npx tsx scripts/torch-agreement.ts [--device cpu|cuda] [--steps 100] [--hidden 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { optimizerGraph } from '../src/artifacts/optimizer.ts';
import { trainingGraph } from '../src/artifacts/training.ts';
import { makeWindows, tutorialSeries } from '../src/data/index.ts';
import { forecasterModel, initParameters, parameterSpecs, type ModelConfig } from '../src/graph/model.ts';
import { serializeModel } from '../src/onnx/serialize.ts';
import { makeOptimizer } from '../src/optim/index.ts';
import { onnxToTorch } from './bench/weights.ts';

/** Tolerances: per-step loss within float32 rounding accumulated over the run; gradients to 1e-4. */
const LOSS_REL = 1e-5, GRAD_REL = 1e-4, GRAD_ABS = 1e-7;

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : d;
};
const device = arg('device', 'cpu'), steps = Number(arg('steps', '100')), hidden = Number(arg('hidden', '5'));
const config: ModelConfig = { features: 1, window: 10, hidden, layers: 1, outputs: 1, dense: [] };
const lr = 1e-4, batch = 256;

const data = makeWindows(tutorialSeries(0), { window: 10 });
const trainRows = 360;
// Unshuffled batches over the training rows, as DataLoader(shuffle=False) gives them: 256 + 104 per epoch.
const batches: { x: Float32Array; y: Float32Array }[] = [];
for (let s = 0; batches.length < steps; s = (s + batch) % trainRows) {
  const e = Math.min(s + batch, trainRows);
  batches.push({ x: data.x.subarray(s * 10, e * 10), y: data.y.subarray(s, e) });
  if (e === trainRows) s = -batch;
}
const init = initParameters(config, 0);
const W = init.get('lstm.W')!.data as Float32Array, R = init.get('lstm.R')!.data as Float32Array, B = init.get('lstm.B')!.data as Float32Array;

const dir = mkdtempSync(join(tmpdir(), 'ingraph-agree-'));
const jobPath = join(dir, 'job.json');
const t = onnxToTorch({ W, R, B, hidden, features: 1 });
writeFileSync(jobPath, JSON.stringify({
  hidden, window: 10, lr,
  weights: { weight_ih: [...t.weight_ih], weight_hh: [...t.weight_hh], bias_ih: [...t.bias_ih], bias_hh: [...t.bias_hh], fc_weight: [...(init.get('fc.weight')!.data as Float32Array)], fc_bias: [...(init.get('fc.bias')!.data as Float32Array)] },
  batches: batches.map((b) => ({ x: [...b.x], y: [...b.y] })),
}));
const py = spawnSync('python3', [join(import.meta.dirname, 'agreement', 'torch_agreement.py'), jobPath, device], { encoding: 'utf8', maxBuffer: 1 << 26 });
rmSync(dir, { recursive: true, force: true });
const line = py.stdout?.split('\n').find((l) => l.startsWith('AGREEMENT '));
if (!line) {
  process.stderr.write(`PyTorch side did not run (python3 with torch is needed): ${(py.stderr || '').trim().split('\n').slice(-1)[0]}\n`);
  process.exit(2);
}
const torchOut = JSON.parse(line.slice('AGREEMENT '.length)) as { torch: string; losses: number[]; grads0: Record<string, number[]> };

const opt = makeOptimizer('adam');
const ts = await ort.InferenceSession.create(serializeModel(trainingGraph(forecasterModel(config))));
const os = await ort.InferenceSession.create(serializeModel(optimizerGraph(forecasterModel(config), opt)));
const specs = parameterSpecs(config);
let P = new Map<string, Float32Array>(specs.map((s) => [s.name, init.get(s.name)!.data as Float32Array]));
let S = new Map<string, Float32Array[]>(specs.map((s) => [s.name, [new Float32Array(P.get(s.name)!.length), new Float32Array(P.get(s.name)!.length)]]));
const losses: number[] = [];
let grads0: Map<string, Float32Array> | null = null;
for (let k = 0; k < steps; k++) {
  const b = batches[k]!;
  const n = b.y.length;
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', b.x, [n, 10, 1]), target: new ort.Tensor('float32', b.y, [n, 1]) };
  for (const s of specs) feeds[s.name] = new ort.Tensor('float32', P.get(s.name)!, s.dims);
  const r = await ts.run(feeds);
  losses.push((r.loss!.data as Float32Array)[0]!);
  if (k === 0) grads0 = new Map(specs.map((s) => [s.name, r[`${s.name}_grad`]!.data as Float32Array]));
  const of: Record<string, ort.Tensor> = { learning_rate: new ort.Tensor('float32', new Float32Array([lr]), [1]), step: new ort.Tensor('int64', new BigInt64Array([BigInt(k + 1)]), [1]) };
  for (const s of specs) {
    of[s.name] = feeds[s.name]!;
    of[`${s.name}_grad`] = r[`${s.name}_grad`]!;
    of[`${s.name}.exp_avg`] = new ort.Tensor('float32', S.get(s.name)![0]!, s.dims);
    of[`${s.name}.exp_avg_sq`] = new ort.Tensor('float32', S.get(s.name)![1]!, s.dims);
  }
  const q = await os.run(of);
  P = new Map(specs.map((s) => [s.name, q[`${s.name}.out`]!.data as Float32Array]));
  S = new Map(specs.map((s) => [s.name, [q[`${s.name}.exp_avg.out`]!.data as Float32Array, q[`${s.name}.exp_avg_sq.out`]!.data as Float32Array]]));
}

let worstLoss = 0;
losses.forEach((l, k) => (worstLoss = Math.max(worstLoss, Math.abs(l - torchOut.losses[k]!) / Math.abs(torchOut.losses[k]!))));
const ours = onnxToTorch({ W: grads0!.get('lstm.W')!, R: grads0!.get('lstm.R')!, B: grads0!.get('lstm.B')!, hidden, features: 1 });
const pairs: [string, ArrayLike<number>, number[]][] = [
  ['weight_ih', ours.weight_ih, torchOut.grads0.weight_ih!], ['weight_hh', ours.weight_hh, torchOut.grads0.weight_hh!],
  ['bias_ih', ours.bias_ih, torchOut.grads0.bias_ih!], ['bias_hh', ours.bias_hh, torchOut.grads0.bias_hh!],
  ['fc.weight', grads0!.get('fc.weight')!, torchOut.grads0.fc_weight!], ['fc.bias', grads0!.get('fc.bias')!, torchOut.grads0.fc_bias!],
];
let gradOk = true;
const rows = pairs.map(([name, a, b]) => {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (Math.abs(b[i]!) + GRAD_ABS / GRAD_REL));
  gradOk &&= worst <= GRAD_REL;
  return `| ${name} | ${worst.toExponential(2)} |`;
});
const lossOk = worstLoss <= LOSS_REL;
process.stdout.write([
  `ingraph training_model + optimizer_model vs PyTorch ${torchOut.torch} (${device}), tutorial model, ${steps} unshuffled steps`,
  `per-step loss: worst relative difference ${worstLoss.toExponential(2)} (bound ${LOSS_REL}); first ${losses[0]} vs ${torchOut.losses[0]}, last ${losses[steps - 1]} vs ${torchOut.losses[steps - 1]}`,
  '| step-0 gradient | worst relative difference |', '| --- | --- |', ...rows,
  `result: ${lossOk && gradOk ? 'AGREE' : 'DISAGREE'}`,
].join('\n') + '\n');
process.exit(lossOk && gradOk ? 0 : 1);
