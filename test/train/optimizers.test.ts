// Optimizer graphs against PyTorch's update rules written out in float64, for every hyperparameter (betas, eps, L2 and
// decoupled weight decay, momentum 0 and above), and the fused train step against training_model + optimizer_model
// run one step at a time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { optimizerGraph } from '../../src/artifacts/optimizer.ts';
import { flatLayout, trainStepGraph } from '../../src/artifacts/train-step.ts';
import { trainingGraph } from '../../src/artifacts/training.ts';
import { Rng } from '../../src/data/rng.ts';
import { forecasterModel, initParameters, parameterSpecs, type ModelConfig } from '../../src/graph/model.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import type { AdamHyper } from '../../src/optim/adam.ts';
import { makeOptimizer, type OptimizerName } from '../../src/optim/index.ts';
import type { SgdHyper } from '../../src/optim/sgd.ts';

const config: ModelConfig = { features: 1, window: 6, hidden: 4, layers: 1, outputs: 1, dense: [] };
const f32 = (a: ArrayLike<number>, dims: number[]) => new ort.Tensor('float32', Float32Array.from(a), dims);
const i64 = (v: number) => new ort.Tensor('int64', new BigInt64Array([BigInt(v)]), [1]);

/** One setting as PyTorch spells it, every hyperparameter explicit: the reference has no defaults of its own. */
type TorchSetting =
  | { kind: 'adam' | 'adamw'; betas: [number, number]; eps: number; weight_decay: number }
  | { kind: 'sgd'; momentum: number; weight_decay: number };

/**
 * One step of torch.optim.Adam / AdamW / SGD (maximize, amsgrad, nesterov off, dampening 0) in float64, from the
 * algorithms in PyTorch's documentation, with γ the learning rate, λ the weight decay, t the 1-based step:
 *   Adam:  g ← g + λθ;  m ← β₁m + (1-β₁)g;  v ← β₂v + (1-β₂)g²;  θ ← θ - γ·m̂/(√v̂ + ε), m̂ = m/(1-β₁ᵗ), v̂ = v/(1-β₂ᵗ)
 *   AdamW: θ ← θ - γλθ first, then Adam's update without the λθ term
 *   SGD:   g ← g + λθ;  with μ ≠ 0: b ← g at t = 1, else b ← μb + g, and θ ← θ - γb;  with μ = 0: θ ← θ - γg
 * State: [m, v] for Adam/AdamW; [b] for SGD (PyTorch keeps no buffer at μ = 0: ours stays as it was).
 * `accumulate`: no zero_grad between steps, so the optimizer sees the running sum of the gradients, kept last.
 */
function torchStep(h: TorchSetting, p: number[], g: number[], s: number[][], lr: number, t: number, accumulate: boolean): { p: number[]; s: number[][] } {
  if (accumulate) {
    const sum = s[s.length - 1]!.map((v, i) => v + g[i]!);
    const r = torchStep(h, p, sum, s.slice(0, -1), lr, t, false);
    return { p: r.p, s: [...r.s, sum] };
  }
  if (h.kind === 'sgd') {
    const d = g.map((gi, i) => gi + h.weight_decay * p[i]!);
    if (h.momentum === 0) return { p: p.map((x, i) => x - lr * d[i]!), s };
    const b = t === 1 ? d : s[0]!.map((bi, i) => h.momentum * bi + d[i]!);
    return { p: p.map((x, i) => x - lr * b[i]!), s: [b] };
  }
  const [b1, b2] = h.betas;
  const decoupled = h.kind === 'adamw';
  const theta = decoupled ? p.map((x) => x - lr * h.weight_decay * x) : p;
  const d = decoupled ? g : g.map((gi, i) => gi + h.weight_decay * p[i]!);
  const m = s[0]!.map((mi, i) => b1 * mi + (1 - b1) * d[i]!);
  const v = s[1]!.map((vi, i) => b2 * vi + (1 - b2) * d[i]! * d[i]!);
  const out = theta.map((x, i) => x - (lr * (m[i]! / (1 - b1 ** t))) / (Math.sqrt(v[i]! / (1 - b2 ** t)) + h.eps));
  return { p: out, s: [m, v] };
}

/** What the optimizer is built with (`ours`, {} for our defaults) and the same setting written out for PyTorch. */
interface Case {
  label: string;
  name: OptimizerName;
  ours: Partial<AdamHyper & SgdHyper>;
  torch: TorchSetting;
  accumulate?: boolean;
}

// Defaults: torch's for Adam and AdamW; momentum 0.9 for our SGD (the tutorial's). Then each hyperparameter moved
// far enough from its default that a wrong use of it shows: eps 0.1 is comparable to √v̂, a weight decay of 0.1-0.2
// to the gradients of U(-1, 1).
const CASES: Case[] = [
  { label: 'defaults', name: 'adam', ours: {}, torch: { kind: 'adam', betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 } },
  { label: 'betas (0.8, 0.95)', name: 'adam', ours: { beta1: 0.8, beta2: 0.95 }, torch: { kind: 'adam', betas: [0.8, 0.95], eps: 1e-8, weight_decay: 0 } },
  { label: 'eps 0.1', name: 'adam', ours: { eps: 0.1 }, torch: { kind: 'adam', betas: [0.9, 0.999], eps: 0.1, weight_decay: 0 } },
  { label: 'L2 weight decay 0.1', name: 'adam', ours: { weight_decay: 0.1 }, torch: { kind: 'adam', betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1 } },
  {
    label: 'betas (0.5, 0.9), eps 1e-3, weight decay 0.2', name: 'adam', ours: { beta1: 0.5, beta2: 0.9, eps: 1e-3, weight_decay: 0.2 },
    torch: { kind: 'adam', betas: [0.5, 0.9], eps: 1e-3, weight_decay: 0.2 },
  },
  { label: 'defaults (decoupled weight decay 0.01)', name: 'adamw', ours: {}, torch: { kind: 'adamw', betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01 } },
  { label: 'decoupled weight decay 0.2', name: 'adamw', ours: { weight_decay: 0.2 }, torch: { kind: 'adamw', betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.2 } },
  { label: 'weight decay 0', name: 'adamw', ours: { weight_decay: 0 }, torch: { kind: 'adamw', betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 } },
  {
    label: 'betas (0.7, 0.99), eps 0.05, weight decay 0.1', name: 'adamw', ours: { beta1: 0.7, beta2: 0.99, eps: 0.05, weight_decay: 0.1 },
    torch: { kind: 'adamw', betas: [0.7, 0.99], eps: 0.05, weight_decay: 0.1 },
  },
  { label: 'defaults (momentum 0.9)', name: 'sgd', ours: {}, torch: { kind: 'sgd', momentum: 0.9, weight_decay: 0 } },
  { label: 'momentum 0', name: 'sgd', ours: { momentum: 0 }, torch: { kind: 'sgd', momentum: 0, weight_decay: 0 } },
  { label: 'momentum 0.5, weight decay 0.1', name: 'sgd', ours: { momentum: 0.5, weight_decay: 0.1 }, torch: { kind: 'sgd', momentum: 0.5, weight_decay: 0.1 } },
  { label: 'momentum 0, weight decay 0.1', name: 'sgd', ours: { momentum: 0, weight_decay: 0.1 }, torch: { kind: 'sgd', momentum: 0, weight_decay: 0.1 } },
  { label: 'defaults, without zero_grad (--accumulate-grad)', name: 'adam', ours: {}, torch: { kind: 'adam', betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 }, accumulate: true },
  { label: 'momentum 0, without zero_grad (--accumulate-grad)', name: 'sgd', ours: { momentum: 0 }, torch: { kind: 'sgd', momentum: 0, weight_decay: 0 }, accumulate: true },
];

async function followsPyTorch({ name, ours, torch, accumulate = false }: Case): Promise<void> {
  const opt = makeOptimizer(name, ours, accumulate);
  const s = await ort.InferenceSession.create(serializeModel(optimizerGraph(forecasterModel(config), opt)));
  const rng = new Rng(7);
  const specs = parameterSpecs(config);
  const P = new Map(specs.map((sp) => [sp.name, Array.from(initParameters(config, 1).get(sp.name)!.data as Float32Array)]));
  const S = new Map(specs.map((sp) => [sp.name, opt.stateNames.map(() => new Array<number>(P.get(sp.name)!.length).fill(0))]));
  // Allowed error in a parameter: float32 rounding of the parameter, plus 1e-4 of this step's update. The update is
  // only as exact as float32's 1 - β₂ᵗ, which cancels: 6e-8 / (1 - 0.999) = 6e-5 relative at t = 1. A misused
  // hyperparameter is off by far more than that share of the update.
  for (let t = 1; t <= 6; t++) {
    // The learning rate changes from step to step, as a schedule would change it.
    const lr = Math.fround(0.01 * (1 + t / 4));
    const feeds: Record<string, ort.Tensor> = { learning_rate: f32([lr], [1]), step: i64(t) };
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
      const want = torchStep(torch, P.get(sp.name)!, G.get(sp.name)!, S.get(sp.name)!, lr, t, accumulate);
      const got = Array.from(r[`${sp.name}.out`]!.data as Float32Array);
      const before = P.get(sp.name)!;
      got.forEach((x, i) => {
        const err = Math.abs(x - want.p[i]!), allowed = 1e-7 + 1e-6 * Math.abs(want.p[i]!) + 1e-4 * Math.abs(want.p[i]! - before[i]!);
        assert.ok(err <= allowed, `${sp.name}[${i}] step ${t}: ${x} vs ${want.p[i]} (from ${before[i]})`);
      });
      // Continue from the graph's own outputs, as a trainer does.
      P.set(sp.name, got);
      S.set(sp.name, opt.stateNames.map((n) => Array.from(r[`${sp.name}.${n}.out`]!.data as Float32Array)));
      S.get(sp.name)!.forEach((st, k) => st.forEach((x, i) => assert.ok(Math.abs(x - want.s[k]![i]!) <= 1e-5 * Math.abs(want.s[k]![i]!) + 1e-7, `${opt.stateNames[k]} of ${sp.name}[${i}] step ${t}`)));
    }
  }
}

for (const c of CASES) {
  test(`${c.name}, ${c.label}: optimizer_model.onnx follows PyTorch's update over 6 steps (float32 vs float64)`, () => followsPyTorch(c));
}

for (const name of ['adam', 'adamw', 'sgd'] as const) {
  test(`${name}: the fused train step over 10 steps agrees with training_model + optimizer_model to 1e-6`, async () => {
    const opt = makeOptimizer(name);
    const [ts, os, ss] = await Promise.all(
      [trainingGraph(forecasterModel(config)), optimizerGraph(forecasterModel(config), opt), trainStepGraph(forecasterModel(config), opt)].map((g) => ort.InferenceSession.create(serializeModel(g), { intraOpNumThreads: 1 })),
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
    const { entries, total } = flatLayout(forecasterModel(config));
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

