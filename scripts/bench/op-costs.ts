// What one node of each kind in the tutorial's train step costs ONNX Runtime here, at the step's own shapes
// (hidden 5, batch 256: [H, B] = [5, 256], [4H, B] = [20, 256]): each figure is the time of a chain of extra copies of
// the node over a one-node graph, per node, 1 thread, optimisation 'all'. The facts behind docs/perf.md's
// "The step's Gemm without a C input".
// Run: npx tsx scripts/bench/op-costs.ts [hidden] [batch]     (Markdown out)
import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/graph/graph.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Value } from '../../src/graph/value.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { markdownTable } from './format.ts';
import { timeRuns } from './ort-profile.ts';

/** A chain link: the next value from the previous one (`y`), given the graph's inputs (`v`). */
type Link = (o: Ops, y: Value, v: Record<string, Value>) => Value;

interface Case {
  what: string;
  /** Input shapes; `y` starts the chain and is what each link's output replaces. */
  inputs: Record<string, number[]>;
  link: Link;
  /** Nodes a link adds (for the per-node figure). */
  nodes: number;
}

async function usPerRun(c: Case, links: number): Promise<number> {
  const g = new Graph('op_costs');
  const o = new Ops(g);
  const v = Object.fromEntries(Object.entries(c.inputs).map(([n, s]) => [n, g.input(n, 'float32', s)]));
  let y = v.y!;
  for (let i = 0; i < links; i++) y = c.link(o, y, v);
  g.output(y, 'out');
  const s = await ort.InferenceSession.create(serializeModel(g), { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const feeds = Object.fromEntries(Object.entries(c.inputs).map(([n, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return [n, new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 200) / 1000 - 0.1), shape)];
  }));
  const us = await timeRuns(s, feeds, 30, 30, 9);
  await s.release();
  return us;
}

const H = Number(process.argv[2] ?? 5), B = Number(process.argv[3] ?? 256), G = 4 * H, Z = H + 3;
// The Gemm links take their right-hand side from the chain through a Slice (both rows pay the same Slice).
const rows = (o: Ops, v: Value, n: number) => o.slice(v, [0], [n], [0]);
const cases: Case[] = [
  { what: 'Mul [1, 1] (the dispatch floor)', inputs: { y: [1, 1] }, link: (o, y) => o.mul(y, y), nodes: 1 },
  { what: `Mul [H, B]`, inputs: { y: [H, B] }, link: (o, y, v) => o.mul(y, v.y!), nodes: 1 },
  { what: `Mul [4H, B]`, inputs: { y: [G, B] }, link: (o, y, v) => o.mul(y, v.y!), nodes: 1 },
  { what: `Tanh [H, B]`, inputs: { y: [H, B] }, link: (o, y) => o.tanh(y), nodes: 1 },
  { what: `Sigmoid [4H, B]`, inputs: { y: [G, B] }, link: (o, y) => o.sigmoid(y), nodes: 1 },
  { what: `Split [4H, B] into four blocks + their Concat`, inputs: { y: [G, B] }, link: (o, y) => o.concat(o.split(y, 0, [H, H, H, H]), 0), nodes: 2 },
  { what: `Slice [4H, B] → [H, B] + Gemm R[4H, H]·h + C[4H, B] (the old step)`, inputs: { y: [G, B], R: [G, H], C: [G, B] }, link: (o, y, v) => o.gemm(v.R!, rows(o, y, H), v.C!), nodes: 2 },
  { what: `Slice [4H, B] → [H+3, B] + Gemm W[4H, H+3]·z (the step now)`, inputs: { y: [G, B], W: [G, Z] }, link: (o, y, v) => o.gemm(v.W!, rows(o, y, Z), null), nodes: 2 },
  { what: `Gemm acc[4H, H+3] += dG[4H, B]·z[H+3, B]ᵀ`, inputs: { y: [G, Z], D: [G, B], z: [Z, B] }, link: (o, y, v) => o.gemm(v.D!, v.z!, y, { transB: true }), nodes: 1 },
];

const extra = 100;
const out: string[][] = [];
for (const c of cases) {
  const per = ((await usPerRun(c, 1 + extra)) - (await usPerRun(c, 1))) / extra;
  out.push([c.what, String(c.nodes), per.toFixed(2)]);
}
console.log(`hidden ${H}, batch ${B}; µs per chain link (median of 9 rounds of 30 runs, ${extra} extra links over one)\n`);
console.log(markdownTable(['link', 'nodes', 'µs'], out));
