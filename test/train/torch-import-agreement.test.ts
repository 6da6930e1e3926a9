// Imported PyTorch exports train as PyTorch trains the same modules: from the initial weights the fixtures recorded,
// on the same batches in the same order, torch.optim.Adam + MSELoss (scripts/agreement/torch_train_fixtures.py)
// and our artifacts give the same loss at every one of 30 steps, to 1e-5 relative. Both of our paths are checked:
// training_model.onnx + optimizer_model.onnx step by step (the recurrent ops as ONNX ops, their rules' backward),
// and train_step.onnx through the engine (30 steps in one run; LSTM and GRU as the unrolled composites).
// Skips where python3 cannot import torch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildArtifacts } from '../../src/artifacts/build.ts';
import { FILES } from '../../src/artifacts/manifest.ts';
import { specFor, TrainStepEngine } from '../../src/engine/engine.ts';
import { importedModel } from '../../src/graph/imported-model.ts';
import { loadGraphFile } from '../../src/node/onnx-file.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { torchMissing } from '../helpers/python.ts';
import { FIXTURE_MODELS, FIXTURES, readBatches } from '../helpers/torch-fixtures.ts';

const STEPS = 30;
/** Adam's default rate. At 1e-2 the MLP and Conv1d losses fall to 0.02 within 30 steps and float32's different
 *  summation orders (ONNX Runtime's kernels vs PyTorch's) grow to 5e-5 relative there; at 1e-3 every model stays
 *  within 3e-6 while its loss still moves (2% to 45% over the run). */
const LR = 1e-3;
const LOSS_REL = 1e-5;

const skip = torchMissing();
const batches = readBatches();

function torchLosses(): Record<string, number[]> {
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'agreement', 'torch_train_fixtures.py');
  const r = spawnSync('python3', [script], { input: JSON.stringify({ models: FIXTURE_MODELS, steps: STEPS, lr: LR }), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { losses: Record<string, number[]> }).losses;
}

function assertAgrees(ours: ArrayLike<number>, theirs: number[], what: string): void {
  assert.equal(ours.length, theirs.length);
  for (let k = 0; k < theirs.length; k++) {
    const rel = Math.abs(ours[k]! - theirs[k]!) / Math.abs(theirs[k]!);
    assert.ok(rel <= LOSS_REL, `${what}, step ${k}: ${ours[k]} vs PyTorch ${theirs[k]} (relative ${rel.toExponential(2)})`);
  }
  // The run must move: a trajectory that never leaves the first loss would agree trivially.
  assert.ok(Math.abs(theirs[STEPS - 1]! - theirs[0]!) > 1e-3 * theirs[0]!, `${what}: the loss did not change`);
}

test('imported PyTorch exports train as PyTorch does: 30 Adam steps, both exporters, both step forms', { skip }, async () => {
  const reference = torchLosses();
  const opt = makeOptimizer('adam');
  const n = batches.batch, W = batches.window;
  const tensor = (data: ArrayLike<number>, dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);
  for (const f of FIXTURES) {
    const { model, params } = importedModel(loadGraphFile(f.path), f.path);
    const { files } = buildArtifacts({ model, params, seed: 0, optimizer: opt });

    // training_model + optimizer_model, one step at a time.
    const training = await ort.InferenceSession.create(files[FILES.training]!);
    const optimizer = await ort.InferenceSession.create(files[FILES.optimizer]!);
    let P = new Map(model.params.map((p) => [p.name, params.get(p.name)!.data as Float32Array]));
    let S: Map<string, Float32Array[]> = new Map(model.params.map((p) => [p.name, [new Float32Array(P.get(p.name)!.length), new Float32Array(P.get(p.name)!.length)]]));
    const stepwise: number[] = [];
    for (let k = 0; k < STEPS; k++) {
      const b = batches.batches[k % batches.batches.length]!;
      const feeds: Record<string, ort.Tensor> = { [model.input.name]: tensor(b.x, [n, W, 1]), target: tensor(b.y, [n, 1]) };
      for (const p of model.params) feeds[p.name] = tensor(P.get(p.name)!, p.dims);
      const r = await training.run(feeds);
      stepwise.push((r.loss!.data as Float32Array)[0]!);
      const of: Record<string, ort.Tensor> = { learning_rate: tensor([LR], [1]), step: new ort.Tensor('int64', BigInt64Array.of(BigInt(k + 1)), [1]) };
      for (const p of model.params) {
        Object.assign(of, { [p.name]: feeds[p.name]!, [`${p.name}_grad`]: r[`${p.name}_grad`]!, [`${p.name}.exp_avg`]: tensor(S.get(p.name)![0]!, p.dims), [`${p.name}.exp_avg_sq`]: tensor(S.get(p.name)![1]!, p.dims) });
      }
      const q = await optimizer.run(of);
      P = new Map(model.params.map((p) => [p.name, q[`${p.name}.out`]!.data as Float32Array]));
      S = new Map(model.params.map((p) => [p.name, [q[`${p.name}.exp_avg.out`]!.data as Float32Array, q[`${p.name}.exp_avg_sq.out`]!.data as Float32Array]]));
    }
    assertAgrees(stepwise, reference[f.model]!, `${f.model} (${f.exporter}) training_model + optimizer_model`);

    // train_step.onnx through the engine: the same 30 batches, in order, in one run.
    const session = await ort.InferenceSession.create(files[FILES.trainStep]!);
    const spec = specFor(model, opt.stateNames);
    const engine = new TrainStepEngine(ort, session, spec, { params: spec.layout.flatten((e) => params.get(e.name)!.data as Float32Array), rng: 0 });
    const rows = batches.batches.length * n;
    const ex = {
      x: Float32Array.from(batches.batches.flatMap((b) => b.x)), y: Float32Array.from(batches.batches.flatMap((b) => b.y)),
      count: rows, window: W, features: 1, outputs: 1,
    };
    const order = Array.from({ length: STEPS }, (_, k) => Int32Array.from({ length: n }, (_, i) => (k % batches.batches.length) * n + i));
    assertAgrees(await engine.run(ex, order, LR), reference[f.model]!, `${f.model} (${f.exporter}) train_step`);
    await Promise.all([training.release(), optimizer.release(), session.release()]);
  }
});
