// What a Split + Concat pair costs in ONNX Runtime along the last axis of a row-major tensor against the first axis
// of its transpose, beside one Mul of the same size: the measurement behind the LSTM's columns layout
// (docs/perf.md). Each figure is the time of 50 extra pairs (or 100 extra Muls) over a one-pair graph, per pair.
// Run: npx tsx scripts/bench/axis-copies.ts     (Markdown out)
import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/graph/graph.ts';
import { Ops } from '../../src/graph/ops.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { markdownTable } from './format.ts';

type Kind = { split: { axis: number; parts: number } } | 'mul';

/** µs per session.run of a chain of `n` ops on `shape`. */
async function runTime(shape: number[], n: number, kind: Kind): Promise<number> {
  const g = new Graph('copies');
  const o = new Ops(g);
  const x = g.input('x', 'float32', shape);
  let y = x;
  for (let i = 0; i < n; i++) {
    if (kind === 'mul') y = o.mul(y, x);
    else {
      const { axis, parts } = kind.split;
      y = o.concat(o.split(y, axis, new Array<number>(parts).fill(shape[axis]! / parts)).reverse(), axis);
    }
  }
  g.output(y, 'y');
  const s = await ort.InferenceSession.create(serializeModel(g), { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const feed = { x: new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b, 1)), shape) };
  for (let i = 0; i < 100; i++) await s.run(feed);
  const runs = 500;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await s.run(feed);
  await s.release();
  return ((performance.now() - t0) / runs) * 1000;
}

const perExtra = async (shape: number[], kind: Kind, extra: number) => ((await runTime(shape, 1 + extra, kind)) - (await runTime(shape, 1, kind))) / extra;

const cases: [string, number[], number, number][] = [
  ['one step\'s gates, rows [B, 4H] (B 256, H 5)', [256, 20], 1, 4],
  ['one step\'s gates, columns [4H, B]', [20, 256], 0, 4],
  ['all steps as rows [T·B, 4H] (T 10), by gate', [2560, 20], 1, 4],
  ['all steps as [T·4H, B], by step', [200, 256], 0, 10],
  ['hidden 128: rows [B, 4H]', [256, 512], 1, 4],
  ['hidden 128: columns [4H, B]', [512, 256], 0, 4],
];
const rows: string[][] = [];
for (const [what, shape, axis, parts] of cases) {
  const pair = await perExtra(shape, { split: { axis, parts } }, 50);
  const mul = await perExtra(shape, 'mul', 100);
  rows.push([what, `[${shape.join(', ')}]`, `${axis}`, `${parts}`, pair.toFixed(1), mul.toFixed(1)]);
}
console.log(markdownTable(['tensor', 'shape', 'axis', 'pieces', 'Split + Concat (µs)', 'one Mul (µs)'], rows));
