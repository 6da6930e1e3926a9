// One GRU layer's forward and backward (loss from the last state, gradients of W, R, B) emitted three ways, timed in
// onnxruntime-node, to choose how the builder emits GRUs:
//   'op, scan'      ONNX's GRU op, its rule's reverse recurrence as a Scan (any window);
//   'op, unrolled'  the op, the reverse recurrence unrolled (fixed window);
//   'composite'     gruUnrolled's forward, declared a composite GRU, the rule reusing its gates, unrolled backward.
//   npx tsx scripts/bench/gru-variants.ts [--windows 16,64] [--batch 64] [--hidden 32] [--runs 30] [--lbr 1]
// Prints a table of the median ms per forward+backward run (and the range) for each window and variant.
import * as ort from 'onnxruntime-node';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { gradients } from '../../src/autodiff/backward.ts';
import { Graph } from '../../src/graph/graph.ts';
import { gru, gruParamShapes, gruUnrolled } from '../../src/graph/layers/gru.ts';
import { Ops } from '../../src/graph/ops.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { fmtSummary, markdownTable } from './format.ts';
import { summarize } from './stats.ts';

const args = await yargs(hideBin(process.argv))
  .scriptName('gru-variants')
  .strict()
  .option('windows', { type: 'string', default: '16,64' })
  .option('batch', { type: 'number', default: 64 })
  .option('hidden', { type: 'number', default: 32 })
  .option('features', { type: 'number', default: 1 })
  .option('runs', { type: 'number', default: 30 })
  .option('lbr', { type: 'number', choices: [0, 1], default: 1, describe: 'linear_before_reset' })
  .parseAsync();

const variants = ['op, scan', 'op, unrolled', 'composite'] as const;
type Variant = (typeof variants)[number];
const { batch: B, hidden: H, features: F } = args;

function graphFor(T: number, v: Variant): Uint8Array {
  const g = new Graph('gru_bench');
  const o = new Ops(g);
  const shapes = gruParamShapes(F, H);
  const x = g.input('x', 'float32', [T, B, F]);
  const p = { W: g.input('W', 'float32', shapes.W), R: g.input('R', 'float32', shapes.R), B: g.input('B', 'float32', shapes.B) };
  const opts = { linearBeforeReset: args.lbr === 1 };
  const { Yh } = v === 'composite' ? gruUnrolled(o, x, p, H, opts) : gru(o, x, p, H, opts);
  const loss = g.output(o.reduceMean(o.mul(Yh, Yh), null), 'loss');
  const grads = gradients(g, loss, [p.W, p.R, p.B], { recurrence: v === 'op, scan' ? 'scan' : 'unrolled' });
  for (const [param, grad] of grads) g.output(grad, `${param.name}_grad`);
  return serializeModel(g);
}

const feeds = (T: number) => {
  const shapes = gruParamShapes(F, H);
  const t = (dims: number[]) => new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) * 0.3), dims);
  return { x: t([T, B, F]), W: t(shapes.W), R: t(shapes.R), B: t(shapes.B) };
};

const rows: string[][] = [];
for (const T of args.windows.split(',').map(Number)) {
  const row = [`${T}`];
  for (const v of variants) {
    const session = await ort.InferenceSession.create(graphFor(T, v), { intraOpNumThreads: 1 });
    const f = feeds(T);
    for (let k = 0; k < 3; k++) await session.run(f);
    const ms: number[] = [];
    for (let k = 0; k < args.runs; k++) {
      const t0 = performance.now();
      await session.run(f);
      ms.push(performance.now() - t0);
    }
    await session.release();
    row.push(fmtSummary(summarize(ms)));
  }
  rows.push(row);
}
console.log(`GRU forward + backward, batch ${B}, hidden ${H}, features ${F}, linear_before_reset ${args.lbr}, ${args.runs} runs, 1 thread: median ms (range)`);
console.log(markdownTable(['window', ...variants], rows));
