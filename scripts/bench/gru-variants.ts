// One GRU layer's forward and backward (loss from the last state, gradients of W, R, B) emitted three ways, timed in
// onnxruntime-node, to choose how the builder emits GRUs:
//   'op, scan'      ONNX's GRU op, its rule's reverse recurrence as a Scan (any window);
//   'op, unrolled'  the op, the reverse recurrence unrolled (fixed window);
//   'composite'     gruUnrolled's forward, declared a composite GRU, the rule reusing its gates, unrolled backward.
// With --base, the same graphs built by another checkout's code are timed too, run by run interleaved with this
// checkout's (so that load from other work falls on both alike), and the table adds base/head per variant.
//   npx tsx scripts/bench/gru-variants.ts [--windows 16,64] [--batch 64] [--hidden 32] [--runs 30] [--lbr 1] [--base ../before]
// Prints a table of the median ms per forward+backward run (and the range) for each window and variant.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { fmt, fmtSummary, markdownTable } from './format.ts';
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
  .option('base', { type: 'string', describe: 'another checkout (node_modules installed): its code builds the "base" graphs' })
  .parseAsync();

const variants = ['op, scan', 'op, unrolled', 'composite'] as const;
type Variant = (typeof variants)[number];
const { batch: B, hidden: H, features: F } = args;

/** The graphs as the checkout at `root` builds them: its own modules, loaded from its src. */
async function builder(root: string): Promise<(T: number, v: Variant) => Uint8Array> {
  const src = (path: string) => import(join(root, 'src', path));
  const [{ gradients }, { Graph }, { gru, gruParamShapes, gruUnrolled }, { Ops }, { serializeModel }] = await Promise.all(
    ['autodiff/backward.ts', 'graph/graph.ts', 'graph/layers/gru.ts', 'graph/ops.ts', 'onnx/serialize.ts'].map(src));
  return (T, v) => {
    const g = new Graph('gru_bench');
    const o = new Ops(g);
    const shapes = gruParamShapes(F, H);
    const x = g.input('x', 'float32', [T, B, F]);
    const p = { W: g.input('W', 'float32', shapes.W), R: g.input('R', 'float32', shapes.R), B: g.input('B', 'float32', shapes.B) };
    const opts = { linearBeforeReset: args.lbr === 1 };
    const { Yh } = v === 'composite' ? gruUnrolled(o, x, p, H, opts) : gru(o, x, p, H, opts);
    const loss = g.output(o.reduceMean(o.mul(Yh, Yh), null), 'loss');
    const grads: Map<{ name: string }, unknown> = gradients(g, loss, [p.W, p.R, p.B], { recurrence: v === 'op, scan' ? 'scan' : 'unrolled' });
    for (const [param, grad] of grads) g.output(grad, `${param.name}_grad`);
    return serializeModel(g);
  };
}

const feeds = (T: number) => {
  const t = (dims: number[]) => new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) * 0.3), dims);
  return { x: t([T, B, F]), W: t([1, 3 * H, F]), R: t([1, 3 * H, H]), B: t([1, 6 * H]) };
};

const builders = [await builder(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')), ...(args.base ? [await builder(resolve(args.base))] : [])];
const rows: string[][] = [];
for (const T of args.windows.split(',').map(Number)) {
  const row = [`${T}`];
  for (const v of variants) {
    const sessions = await Promise.all(builders.map((build) => ort.InferenceSession.create(build(T, v), { intraOpNumThreads: 1 })));
    const f = feeds(T);
    for (const s of sessions) for (let k = 0; k < 3; k++) await s.run(f);
    const ms = sessions.map(() => [] as number[]);
    for (let k = 0; k < args.runs; k++) {
      for (const i of sessions.map((_, i) => (k % 2 ? sessions.length - 1 - i : i))) { // neither always first
        const t0 = performance.now();
        await sessions[i]!.run(f);
        ms[i]!.push(performance.now() - t0);
      }
    }
    await Promise.all(sessions.map((s) => s.release()));
    const [head, base] = ms.map(summarize);
    row.push(fmtSummary(head!), ...(base ? [fmtSummary(base), fmt(base.median / head!.median)] : []));
  }
  rows.push(row);
}
console.log(`GRU forward + backward, batch ${B}, hidden ${H}, features ${F}, linear_before_reset ${args.lbr}, ${args.runs} runs, 1 thread: median ms (range)`);
const columns = args.base ? variants.flatMap((v) => [`${v}`, `${v}, base`, `${v}: base/head`]) : [...variants];
console.log(markdownTable(['window', ...columns], rows));
