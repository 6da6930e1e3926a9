// Where a tutorial training step's time goes: ONNX Runtime's profiler per op (kernel time per optimizer step),
// the Node side's share of a run, and the forward LSTM op against the same cell written as plain ONNX ops.
// Run: npx tsx scripts/bench/profile.ts [runs] [op|unrolled]   (Markdown out; the second argument picks the train
// step's LSTM forward, default the library's; for the Node side see cpuprof.ts).
import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/graph/graph.ts';
import { lstm, lstmUnrolled } from '../../src/graph/layers/lstm.ts';
import { Ops } from '../../src/graph/ops.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { flatLayout } from '../../src/artifacts/train-step.ts';
import { Rng } from '../../src/data/rng.ts';
import type { Examples } from '../../src/data/windows.ts';
import { specFor, TrainStepEngine } from '../../src/engine/engine.ts';
import { forecasterModel, initParameters, type LstmForward, type ModelConfig } from '../../src/graph/model.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { fmt, markdownTable } from './format.ts';
import { kernelsPerStep, timeRuns } from './ort-profile.ts';
import { trainingGraphVariant, type LstmVariant } from './lstm-variants.ts';
import { trainStepBytes } from './step-loop.ts';
import { modelConfig, TUTORIAL } from './workload.ts';

const runs = Number(process.argv[2] ?? 300);
const forward = (process.argv[3] ?? null) as LstmForward | null;
const c = modelConfig(TUTORIAL);
const { total: P } = flatLayout(forecasterModel(c));
const sizes = [256, 104]; // the tutorial's two batches an epoch: what one train() run holds
const rows = sizes.reduce((a, b) => a + b, 0);
const stepsPerRun = sizes.length;

const f32 = (n: number, fill = 0) => new Float32Array(n).fill(fill);
const data = {
  params: f32(P).map((_, i) => 0.3 * Math.sin(i)),
  x: f32(rows * c.window).map((_, i) => Math.sin(i / 57)), y: f32(rows).map((_, i) => Math.sin(i / 57)),
};
const examples: Examples = { x: data.x, y: data.y, count: rows, window: c.window, features: 1, outputs: 1 };
const batches = [Int32Array.from({ length: 256 }, (_, i) => i), Int32Array.from({ length: 104 }, (_, i) => 256 + i)];

/** The library's engine on a session made with `options` (profiling or not), from the same start each time. */
function engineOn(s: ort.InferenceSession): TrainStepEngine {
  const spec = specFor(forecasterModel(c), makeOptimizer('adam').stateNames);
  return new TrainStepEngine(ort, s, spec, { params: data.params, rng: new Rng(0).state });
}

/** Per-op kernel µs per optimizer step, from ONNX Runtime's profile of `runs` runs (Loop, the wrapper, left out). */
async function opProfile(): Promise<{ byOp: [string, { n: number; us: number }][]; kernelUs: number }> {
  const by = await kernelsPerStep(trainStepBytes(c, 'auto', forward), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' }, async (s) => {
    const engine = engineOn(s);
    for (let i = 0; i < runs; i++) await engine.run(examples, batches, 1e-4);
    return runs * stepsPerRun;
  });
  const byOp = [...by].sort((a, b) => b[1].us - a[1].us);
  return { byOp, kernelUs: byOp.reduce((a, [, v]) => a + v.us, 0) };
}

/** Unprofiled: ms per step of whole runs through the engine (packing the batches included). */
async function wallTime(): Promise<{ msPerStep: number; runUsPerRun: number }> {
  const s = await ort.InferenceSession.create(trainStepBytes(c, 'auto', forward), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const engine = engineOn(s);
  for (let i = 0; i < 50; i++) await engine.run(examples, batches, 1e-4);
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await engine.run(examples, batches, 1e-4);
  const ms = performance.now() - t0;
  await s.release();
  return { msPerStep: ms / runs / stepsPerRun, runUsPerRun: (ms * 1000) / runs };
}

/** The forward LSTM alone: ONNX's LSTM op against the same cell as plain ops (lstm-variants.ts). */
function forwardGraph(kind: 'op' | 'cell', B: number): Uint8Array {
  const H = c.hidden, T = c.window;
  const g = new Graph(`lstm_${kind}`);
  const o = new Ops(g);
  const x = g.input('x', 'float32', [T, B, 1]);
  const p = { W: g.input('W', 'float32', [1, 4 * H, 1]), R: g.input('R', 'float32', [1, 4 * H, H]), B: g.input('B', 'float32', [1, 8 * H]) };
  const h = o.squeeze(kind === 'op' ? lstm(o, x, p, H).Yh : lstmUnrolled(o, x, p, H).Yh, [0]);
  g.output(o.identity(h), 'h');
  return serializeModel(g);
}

async function forwardMicro(kind: 'op' | 'cell', B: number): Promise<number> {
  const s = await ort.InferenceSession.create(forwardGraph(kind, B), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const H = c.hidden;
  const f = {
    x: new ort.Tensor('float32', new Float32Array(c.window * B).map((_, i) => Math.sin(i / 7)), [c.window, B, 1]),
    W: new ort.Tensor('float32', new Float32Array(4 * H).map((_, i) => 0.3 * Math.sin(i)), [1, 4 * H, 1]),
    R: new ort.Tensor('float32', new Float32Array(4 * H * H).map((_, i) => 0.3 * Math.cos(i)), [1, 4 * H, H]),
    B: new ort.Tensor('float32', new Float32Array(8 * H).fill(0.1), [1, 8 * H]),
  };
  const us = await timeRuns(s, f, 100, 200);
  await s.release();
  return us;
}

/** One forward+backward (training_model.onnx's interface) per run for each way of emitting the LSTM: µs per run
 *  at the tutorial's two batch sizes, and the largest gradient difference from the first variant. */
async function trainingVariants(): Promise<string[][]> {
  const withScan = (v: LstmVariant) => () => trainingGraphVariant(c, v, 'scan');
  const variants: [string, () => Graph][] = [
    ['LSTM op; rule recomputes gates, unrolled backward', () => trainingGraphVariant(c, 'op')],
    ['LSTM op; rule recomputes gates, Scan backward', withScan('op')],
    ['unrolled forward as composite; rule reuses its gates, unrolled backward (train step now)', () => trainingGraphVariant(c, 'composite')],
    ['unrolled forward as composite; Scan backward', withScan('composite')],
    ['unrolled forward as plain ops; generic autodiff per node', () => trainingGraphVariant(c, 'plain')],
  ];
  const init = initParameters(c, 0);
  const rowsOut: string[][] = [];
  let reference: Record<string, Float32Array> | null = null;
  for (const [name, build] of variants) {
    const g = build();
    const s = await ort.InferenceSession.create(serializeModel(g), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const us: number[] = [];
    let diff = 0;
    for (const B of sizes) {
      const f: Record<string, ort.Tensor> = {
        x: new ort.Tensor('float32', data.x.subarray(0, B * c.window), [B, c.window, 1]), target: new ort.Tensor('float32', data.y.subarray(0, B), [B, 1]),
      };
      for (const [n, t] of init) f[n] = new ort.Tensor('float32', t.data as Float32Array, t.dims);
      const out = await s.run(f);
      if (B === sizes[0]) {
        const grads = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
        reference ??= grads;
        for (const [k, v] of Object.entries(grads)) v.forEach((x, i) => (diff = Math.max(diff, Math.abs(x - reference![k]![i]!))));
      }
      us.push(await timeRuns(s, f, 50, 100));
    }
    await s.release();
    rowsOut.push([name, String(g.nodes.length), ...us.map((u) => fmt(u)), fmt(us.reduce((a, b) => a + b, 0) / us.length), diff.toExponential(1)]);
  }
  return rowsOut;
}

const prof = await opProfile();
const wall = await wallTime();
console.log(`## ONNX Runtime profile: tutorial train step, LSTM forward '${forward ?? forecasterModel(c).defaultForward}' (hidden ${c.hidden}, window ${c.window}, batches 256 + 104 per run, ${runs} runs)\n`);
const shown = prof.byOp.slice(0, 14);
const rest = prof.byOp.slice(14).reduce((a, [, v]) => ({ n: a.n + v.n, us: a.us + v.us }), { n: 0, us: 0 });
console.log(markdownTable(['op', 'nodes per step', 'kernel µs per step', 'share of kernel time'], [
  ...shown.map(([op, v]) => [op, fmt(v.n, 3), fmt(v.us, 3), `${((100 * v.us) / prof.kernelUs).toFixed(1)}%`]),
  [`${prof.byOp.length - shown.length} other op types`, fmt(rest.n, 3), fmt(rest.us, 3), `${((100 * rest.us) / prof.kernelUs).toFixed(1)}%`],
  ['all kernels (profiled)', fmt(prof.byOp.reduce((a, [, v]) => a + v.n, 0), 3), fmt(prof.kernelUs, 3), '100%'],
]));
console.log(`\nUnprofiled, same runs through the engine: ${fmt(wall.msPerStep * 1000)} µs per step; ${fmt(wall.runUsPerRun)} µs per run (2 steps).\n`);
console.log('## Forward LSTM alone (hidden 5, window 10), µs per session.run\n');
const fw: string[][] = [];
for (const B of [256, 104]) {
  const op = await forwardMicro('op', B), cell = await forwardMicro('cell', B);
  fw.push([String(B), fmt(op), fmt(cell), `${(op / cell).toFixed(1)}×`]);
}
console.log(markdownTable(['batch', 'ONNX LSTM op', 'same cell as plain ops (unrolled)', 'op / plain'], fw));

console.log('\n## Forward + backward of one step (training_model.onnx interface, no optimizer), µs per session.run\n');
console.log(markdownTable(['variant', 'top-level nodes', 'batch 256', 'batch 104', 'mean per step', 'max |grad difference|'], await trainingVariants()));

/** µs per forward+backward run of a training graph for config `cc` at batch B, median of 5 timed blocks. */
async function timeTraining(g: Graph, cc: ModelConfig, B: number): Promise<number> {
  const s = await ort.InferenceSession.create(serializeModel(g), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const f: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float32', f32(B * cc.window).map((_, i) => Math.sin(i / 57)), [B, cc.window, 1]),
    target: new ort.Tensor('float32', f32(B, 0.5), [B, 1]),
  };
  for (const [n, t] of initParameters(cc, 0)) f[n] = new ort.Tensor('float32', t.data as Float32Array, t.dims);
  const t1 = performance.now();
  await s.run(f);
  const n = Math.max(3, Math.min(100, Math.round(100 / (performance.now() - t1)))); // ~0.1 s a block
  const us = await timeRuns(s, f, 0, n);
  await s.release();
  return us;
}

console.log('\n## The same comparison at other sizes, µs per forward+backward\n');
const grid: [number, number, number][] = [[5, 10, 256], [5, 10, 1024], [32, 10, 256], [128, 10, 256], [5, 50, 256], [32, 50, 64]];
const kinds: LstmVariant[] = ['op', 'composite', 'plain'];
const gridRows: string[][] = [];
for (const [hidden, window, B] of grid) {
  const cc: ModelConfig = { ...c, hidden, window };
  const us: number[] = [];
  for (const k of kinds) us.push(await timeTraining(trainingGraphVariant(cc, k), cc, B));
  gridRows.push([String(hidden), String(window), String(B), ...us.map((u) => fmt(u)), ...us.slice(1).map((u) => `${(100 * (u / us[0]! - 1)).toFixed(0)}%`)]);
}
console.log(markdownTable(['hidden', 'window', 'batch', 'LSTM op', 'composite (now)', 'plain ops', 'composite vs op', 'plain vs op'], gridRows));
