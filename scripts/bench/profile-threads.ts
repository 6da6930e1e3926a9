// Which ONNX Runtime kernels a second intra-op thread speeds up, at one size of the scaling grid: the train step's
// kernel time per optimizer step by op type with 1 and with 2 threads (ONNX Runtime's profiler), and the unprofiled
// wall time per step of each, interleaved. The facts behind docs/bench.md's two-thread columns.
// Run: npx tsx scripts/bench/profile-threads.ts [hidden] [window] [batch] [runs]     (Markdown out)
import * as ort from 'onnxruntime-node';
import { flatLayout } from '../../src/artifacts/train-step.ts';
import { Rng } from '../../src/data/rng.ts';
import { specFor, TrainStepEngine } from '../../src/engine/engine.ts';
import { forecasterModel, type ModelConfig } from '../../src/graph/model.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { fmt, markdownTable } from './format.ts';
import { kernelsPerStep, type KernelTimes } from './ort-profile.ts';
import { median } from './stats.ts';
import { sineExamples, trainStepBytes } from './step-loop.ts';

const [hidden, window, batch, runs] = [32, 50, 256, 10].map((d, i) => Number(process.argv[2 + i] ?? d)) as [number, number, number, number];
const K = 2;
const c: ModelConfig = { features: 1, outputs: 1, window, hidden, layers: 1, dense: [] };
const model = forecasterModel(c);
const rng = new Rng(1);
const params = flatLayout(model).flatten((e) => Float32Array.from({ length: e.size }, () => rng.uniform(-0.1, 0.1)));
const data = sineExamples({ hidden, window, batch }, K, rng);
const bytes = trainStepBytes(c, 'auto');
const spec = specFor(model, makeOptimizer('adam').stateNames);

const options = (threads: number): ort.InferenceSession.SessionOptions => ({ intraOpNumThreads: threads, graphOptimizationLevel: 'all' });

/** Kernel µs per optimizer step by op type. */
function kernels(threads: number): Promise<KernelTimes> {
  return kernelsPerStep(bytes, options(threads), async (s) => {
    const e = new TrainStepEngine(ort, s, spec, { params, rng: new Rng(0).state });
    for (let i = 0; i < runs; i++) await e.run(data.ex, data.batches, 1e-4);
    return runs * K;
  });
}

/** Unprofiled ms per step, 1 and 2 threads interleaved over 5 rounds (medians). */
async function wall(): Promise<[number, number]> {
  const engines = await Promise.all([1, 2].map(async (t) => new TrainStepEngine(ort, await ort.InferenceSession.create(bytes, options(t)), spec, { params, rng: new Rng(0).state })));
  const time = async (e: TrainStepEngine) => {
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await e.run(data.ex, data.batches, 1e-4);
    return (performance.now() - t0) / (runs * K);
  };
  for (const e of engines) await time(e);
  const ms: number[][] = [[], []];
  for (let r = 0; r < 5; r++) for (const [i, e] of engines.entries()) ms[i]!.push(await time(e));
  return [median(ms[0]!), median(ms[1]!)];
}

const one = await kernels(1), two = await kernels(2);
const [w1, w2] = await wall();
const ops = [...one.keys()].sort((a, b) => two.get(b)!.us - two.get(a)!.us);
const sum = (m: KernelTimes) => [...m.values()].reduce((a, v) => a + v.us, 0);
console.log(`hidden ${hidden}, window ${window}, batch ${batch}: kernel µs per optimizer step (ONNX Runtime's profiler, ${runs} runs of ${K} steps)\n`);
console.log(markdownTable(['op', 'nodes per step', '1 thread', '2 threads', '2 threads / 1'], [
  ...ops.map((op) => [op, fmt(one.get(op)!.n), fmt(one.get(op)!.us), fmt(two.get(op)?.us ?? 0), ((two.get(op)?.us ?? 0) / one.get(op)!.us).toFixed(2)]),
  ['all kernels', fmt([...one.values()].reduce((a, v) => a + v.n, 0)), fmt(sum(one)), fmt(sum(two)), (sum(two) / sum(one)).toFixed(2)],
]));
console.log(`\nUnprofiled, interleaved: ${w1.toFixed(2)} ms per step with 1 thread, ${w2.toFixed(2)} with 2 (2 threads / 1: ${(w2 / w1).toFixed(2)}).`);
