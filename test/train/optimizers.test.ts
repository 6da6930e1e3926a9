// Optimizer graphs against PyTorch's update rules written out in float64, and the fused train step against
// training_model + optimizer_model run one step at a time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { optimizerGraph } from '../../src/artifacts/optimizer.ts';
import { flatLayout, trainStepGraph } from '../../src/artifacts/train-step.ts';
import { trainingGraph } from '../../src/artifacts/training.ts';
import { Rng } from '../../src/data/rng.ts';
import { initParameters, parameterSpecs, type ModelConfig } from '../../src/graph/model.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { makeOptimizer, type OptimizerName } from '../../src/optim/index.ts';

const config: ModelConfig = { features: 1, window: 6, hidden: 4, layers: 1, outputs: 1, dense: [] };
const f32 = (a: ArrayLike<number>, dims: number[]) => new ort.Tensor('float32', Float32Array.from(a), dims);
const i64 = (v: number) => new ort.Tensor('int64', new BigInt64Array([BigInt(v)]), [1]);

/** PyTorch's update rules (torch.optim.Adam/AdamW/SGD, default arguments) in float64. */
function reference(name: OptimizerName, p: number[], g: number[], s: number[][], lr: number, t: number, accumulate = false): { p: number[]; s: number[][] } {
  // Without zero_grad the optimizer sees the running sum of the gradients, kept as the last state.
  if (accumulate) {
    const sum = s[s.length - 1]!.map((v, i) => v + g[i]!);
    const r = reference(name, p, sum, s.slice(0, -1), lr, t);
    return { p: r.p, s: [...r.s, sum] };
  }
  if (name === 'sgd') {
    const buf = s[0]!.map((b, i) => 0.9 * b + g[i]!);
    return { p: p.map((x, i) => x - lr * buf[i]!), s: [buf] };
  }
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const wd = name === 'adamw' ? 0.01 : 0;
  const m = s[0]!.map((v, i) => v + (g[i]! - v) * (1 - b1));
  const v = s[1]!.map((x, i) => x * b2 + (1 - b2) * g[i]! * g[i]!);
  const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
  const out = p.map((x, i) => x * (1 - lr * wd) - (lr / bc1) * (m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + eps)));
  return { p: out, s: [m, v] };
}

async function followsPyTorch(name: OptimizerName, accumulate: boolean): Promise<void> {
  const opt = makeOptimizer(name, {}, accumulate);
  const s = await ort.InferenceSession.create(serializeModel(optimizerGraph(config, opt)));
  const rng = new Rng(7);
  const specs = parameterSpecs(config);
  const P = new Map(specs.map((sp) => [sp.name, Array.from(initParameters(config, 1).get(sp.name)!.data as Float32Array)]));
  const S = new Map(specs.map((sp) => [sp.name, opt.stateNames.map(() => new Array<number>(P.get(sp.name)!.length).fill(0))]));
  for (let t = 1; t <= 5; t++) {
    const feeds: Record<string, ort.Tensor> = { learning_rate: f32([0.01], [1]), step: i64(t) };
    const G = new Map<string, number[]>();
    for (const sp of specs) {
      const g = P.get(sp.name)!.map(() => Math.fround(rng.uniform(-1, 1)));
      G.set(sp.name, g);
      feeds[sp.name] = f32(P.get(sp.name)!, sp.dims);
      feeds[`${sp.name}_grad`] = f32(g, sp.dims);
      opt.stateNames.forEach((n, k) => (feeds[`${sp.name}.${n}`] = f32(S.get(sp.name)![k]!, sp.dims)));
    }
    const r = await s.run(feeds);
    for (const sp of specs) {
      const want = reference(name, P.get(sp.name)!, G.get(sp.name)!, S.get(sp.name)!, 0.01, t, accumulate);
      const got = Array.from(r[`${sp.name}.out`]!.data as Float32Array);
      got.forEach((x, i) => assert.ok(Math.abs(x - want.p[i]!) <= 1e-5 * Math.abs(want.p[i]!) + 1e-7, `${sp.name}[${i}] step ${t}: ${x} vs ${want.p[i]}`));
      // Continue from the graph's own outputs, as a trainer does.
      P.set(sp.name, got);
      S.set(sp.name, opt.stateNames.map((n) => Array.from(r[`${sp.name}.${n}.out`]!.data as Float32Array)));
      S.get(sp.name)!.forEach((st, k) => st.forEach((x, i) => assert.ok(Math.abs(x - want.s[k]![i]!) <= 1e-5 * Math.abs(want.s[k]![i]!) + 1e-7, `${opt.stateNames[k]} of ${sp.name}[${i}]`)));
    }
  }
}

test('adam without zero_grad (--accumulate-grad): Adam on the running sum of the gradients, 5 steps', () => followsPyTorch('adam', true));

for (const name of ['adam', 'adamw', 'sgd'] as const) {
  test(`${name}: optimizer_model.onnx follows PyTorch's update over 5 steps (rel 1e-5, float32 vs float64)`, () => followsPyTorch(name, false));

  test(`${name}: the fused train step over 10 steps agrees with training_model + optimizer_model to 1e-6`, async () => {
    const opt = makeOptimizer(name);
    const [ts, os, ss] = await Promise.all(
      [trainingGraph(config), optimizerGraph(config, opt), trainStepGraph(config, opt)].map((g) => ort.InferenceSession.create(serializeModel(g), { intraOpNumThreads: 1 })),
    );
    const K = 10, sizes = [16, 16, 16, 16, 16, 16, 16, 16, 16, 7];
    const R = sizes.reduce((a, b) => a + b, 0);
    const rng = new Rng(3);
    const X = Float32Array.from({ length: R * 6 }, () => rng.uniform(-1, 1));
    const Y = Float32Array.from({ length: R }, () => rng.uniform(-1, 1));
    const specs = parameterSpecs(config);
    const init = initParameters(config, 2);
    let P = new Map<string, Float32Array>(specs.map((sp) => [sp.name, init.get(sp.name)!.data as Float32Array]));
    let S = new Map<string, Float32Array[]>(specs.map((sp) => [sp.name, opt.stateNames.map(() => new Float32Array(P.get(sp.name)!.length))]));
    const stepLosses: number[] = [];
    let row = 0;
    for (let k = 0; k < K; k++) {
      const n = sizes[k]!;
      const feeds: Record<string, ort.Tensor> = { x: f32(X.subarray(row * 6, (row + n) * 6), [n, 6, 1]), target: f32(Y.subarray(row, row + n), [n, 1]) };
      row += n;
      for (const sp of specs) feeds[sp.name] = f32(P.get(sp.name)!, sp.dims);
      const r = await ts.run(feeds);
      stepLosses.push((r.loss!.data as Float32Array)[0]!);
      const of: Record<string, ort.Tensor> = { learning_rate: f32([0.01], [1]), step: i64(k + 1) };
      for (const sp of specs) {
        of[sp.name] = f32(P.get(sp.name)!, sp.dims);
        of[`${sp.name}_grad`] = r[`${sp.name}_grad`]!;
        opt.stateNames.forEach((nm, j) => (of[`${sp.name}.${nm}`] = f32(S.get(sp.name)![j]!, sp.dims)));
      }
      const q = await os.run(of);
      P = new Map(specs.map((sp) => [sp.name, q[`${sp.name}.out`]!.data as Float32Array]));
      S = new Map(specs.map((sp) => [sp.name, opt.stateNames.map((nm) => q[`${sp.name}.${nm}.out`]!.data as Float32Array)]));
    }
    const { entries, total } = flatLayout(config);
    const flat = new Float32Array(total);
    for (const e of entries) flat.set(init.get(e.name)!.data as Float32Array, e.offset);
    const offsets = new BigInt64Array(K + 1);
    sizes.forEach((n, k) => (offsets[k + 1] = offsets[k]! + BigInt(n)));
    const feeds: Record<string, ort.Tensor> = {
      params: f32(flat, [total]), step: i64(1), learning_rate: f32([0.01], [1]),
      x: f32(X, [R, 6, 1]), target: f32(Y, [R, 1]), offsets: new ort.Tensor('int64', offsets, [K + 1]),
    };
    opt.stateNames.forEach((n) => (feeds[n] = f32(new Float32Array(total), [total])));
    const r = await ss.run(feeds);
    const losses = Array.from(r.losses!.data as Float32Array);
    losses.forEach((l, k) => assert.ok(Math.abs(l - stepLosses[k]!) <= 1e-6, `loss ${k}: ${l} vs ${stepLosses[k]}`));
    const fused = r['params.out']!.data as Float32Array;
    for (const e of entries) {
      const sep = P.get(e.name)!;
      for (let i = 0; i < e.size; i++) assert.ok(Math.abs(fused[e.offset + i]! - sep[i]!) <= 1e-6, `${e.name}[${i}]`);
    }
  });
}

