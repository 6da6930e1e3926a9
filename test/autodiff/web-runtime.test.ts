// The gradient graphs of the newer rules run on onnxruntime-web (its wasm build, here in Node) as they do on
// onnxruntime-node: ConvTranspose with output_padding and groups, a Conv whose kernel is the batch, ScatterND with
// reduction 'add', int64 Where, Gelu at opset 20, and the GRU and RNN backward passes as a Scan and unrolled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { gradients } from '../../src/autodiff/backward.ts';
import type { RecurrenceMode } from '../../src/autodiff/registry.ts';
import { Rng } from '../../src/data/rng.ts';
import { Graph } from '../../src/graph/graph.ts';
import { attr, type Attrs } from '../../src/graph/node.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Value } from '../../src/graph/value.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { randomData } from '../helpers/gradcheck.ts';

ortWeb.env.wasm.numThreads = 1;

interface Case {
  inputs: { name: string; dims: number[]; shape?: (number | string)[] }[];
  build: (o: Ops, xs: Value[]) => Value;
  recurrence?: RecurrenceMode;
  opset?: number;
}

const rec = (op: 'GRU' | 'RNN', attrs: Attrs) => (o: Ops, [X, W, R, B, h0]: Value[]) =>
  o.g.add(op, [X!, W!, R!, B!, null, h0!], { hidden_size: attr.int(3), ...attrs }, { count: 2 })[1]!;
/** H = 3 and G gates: X [T,B,F], W [1,G·H,F], R [1,G·H,H], B [1,2·G·H], initial_h [1,B,H]. */
const recInputs = (G: number) => [
  { name: 'X', dims: [5, 2, 2] }, { name: 'W', dims: [1, 3 * G, 2] }, { name: 'R', dims: [1, 3 * G, 3] },
  { name: 'B', dims: [1, 6 * G] }, { name: 'h0', dims: [1, 2, 3] },
];

const cases: Record<string, Case> = {
  'Conv2d, groups 2, stride 2, pads 1': {
    inputs: [{ name: 'x', dims: [2, 4, 5, 5] }, { name: 'w', dims: [4, 2, 3, 3] }, { name: 'b', dims: [4] }],
    build: (o, [x, w, b]) => o.g.add('Conv', [x!, w!, b!], { group: attr.int(2), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) })[0]!,
  },
  'Conv1d, stride 2, dilation 2 (output_padding)': {
    inputs: [{ name: 'x', dims: [2, 2, 10] }, { name: 'w', dims: [3, 2, 3] }],
    build: (o, [x, w]) => o.g.add('Conv', [x!, w!], { strides: attr.ints([2]), dilations: attr.ints([2]), pads: attr.ints([2, 1]) })[0]!,
  },
  'Gather axis -1 with repeated indices, and a scalar -1 on axis 1': {
    inputs: [{ name: 'x', dims: [2, 3, 4] }],
    build: (o, [x]) => o.add(
      o.reduceSum(o.gather(x!, o.g.constant(Tensor.int64([2, 2], [0, 3, 3, -1])), -1), [1, 2, 3], false),
      o.reduceSum(o.gather(x!, o.g.constant(Tensor.int64([], [-1])), 1), [1], false),
    ),
  },
  'Slice step -2 over a symbolic batch': {
    inputs: [{ name: 'x', dims: [3, 7], shape: ['batch', 7] }],
    build: (o, [x]) => o.slice(x!, [-1], [0], [1], [-2]),
  },
  'Gelu, exact, at opset 20': { inputs: [{ name: 'x', dims: [3, 4] }], opset: 20, build: (o, [x]) => o.g.add('Gelu', [x!], {})[0]! },
};
for (const recurrence of ['scan', 'unrolled'] as const) {
  for (const lbr of [0, 1]) {
    cases[`GRU linear_before_reset ${lbr} with initial_h, ${recurrence}`] = { inputs: recInputs(3), recurrence, build: rec('GRU', { linear_before_reset: attr.int(lbr) }) };
  }
  cases[`RNN with initial_h, ${recurrence}`] = { inputs: recInputs(1), recurrence, build: rec('RNN', {}) };
}

for (const [name, c] of Object.entries(cases)) {
  test(`onnxruntime-web runs the gradient graph as onnxruntime-node does: ${name}`, async () => {
    const g = new Graph('web');
    const o = new Ops(g);
    const xs = c.inputs.map((i) => g.input(i.name, 'float32', i.shape ?? i.dims));
    const out = c.build(o, xs);
    const loss = g.output(g.add('ReduceSum', [o.mul(out, out)], { keepdims: attr.int(0) })[0]!, 'loss');
    const grads = gradients(g, loss, xs, { recurrence: c.recurrence });
    for (const x of xs) g.output(grads.get(x)!, `${x.name}_grad`);
    const bytes = serializeModel(g, { opset: c.opset });

    const rng = Rng.derive(3, 'web-runtime');
    const data = c.inputs.map((i) => Float32Array.from(randomData(rng, i.dims.reduce((a, b) => a * b, 1))));
    const nodeSession = await ortNode.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
    const webSession = await ortWeb.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
    const a = await nodeSession.run(Object.fromEntries(c.inputs.map((i, k) => [i.name, new ortNode.Tensor('float32', data[k]!, i.dims)])));
    const b = await webSession.run(Object.fromEntries(c.inputs.map((i, k) => [i.name, new ortWeb.Tensor('float32', data[k]!, i.dims)])));
    await nodeSession.release();
    await webSession.release();
    for (const key of ['loss', ...c.inputs.map((i) => `${i.name}_grad`)]) {
      const va = a[key]!.data as Float32Array, vb = b[key]!.data as Float32Array;
      assert.deepEqual([...b[key]!.dims], [...a[key]!.dims], key);
      assert.ok(va.some((v) => v !== 0), `${key} is zero everywhere`);
      va.forEach((v, i) => assert.ok(Math.abs(v - vb[i]!) <= 1e-5 * (1 + Math.abs(v)), `${key}[${i}]: node ${v}, web ${vb[i]}`));
    }
  });
}
