// Canonicalisation of imported graphs (src/graph/canonical.ts): on PyTorch's real exports it leaves the forms the
// autodiff and the unrolled composites take (no run-time shape arithmetic, zero states absent, every dim known or
// the batch) and the outputs unchanged; batch-first recurrent layers become layout 0 and run where ONNX Runtime
// refuses layout 1; what it cannot keep equal it refuses in one line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { canonicalise } from '../../src/graph/canonical.ts';
import { ModelError } from '../../src/graph/errors.ts';
import { Graph } from '../../src/graph/graph.ts';
import { attr, type Attrs } from '../../src/graph/node.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Value } from '../../src/graph/value.ts';
import { loadGraphFile, loadModelBytes } from '../../src/node/onnx-file.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { graphFromModel } from '../../src/onnx/load-graph.ts';
import { modelProto, serializeModel } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { Rng } from '../../src/data/rng.ts';
import { FIXTURES, fixturePath, readBatches, readModule } from '../helpers/torch-fixtures.ts';

const batches = readBatches();
const feed = (b: { x: number[] }) => ({ x: new ort.Tensor('float32', Float32Array.from(b.x), [b.x.length / batches.window, batches.window, 1]) });

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const s = await ort.InferenceSession.create(bytes);
  const r = await s.run(feeds);
  await s.release();
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.data as Float32Array]));
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

const values = (g: Graph): Value[] => [...g.inputs, ...g.nodes.flatMap((n) => n.outputs)];
const GONE = ['Constant', 'Identity', 'Shape', 'ConstantOfShape', 'Expand', 'Dropout'];

for (const f of FIXTURES) {
  test(`${f.model} (${f.exporter} export): canonical form computes the same, with no run-time shape arithmetic`, async () => {
    const imported = loadGraphFile(f.path);
    const g = canonicalise(imported.graph, f.path);
    const ops = g.nodes.map((n) => n.op);
    // What is left computes on data only: no integer tensor is made at run time. One exception: the dynamo exporter
    // unrolls nn.RNN into plain ops and builds its zero initial state from the input's batch (Shape, Concat,
    // Expand), which no op-level rewrite can drop; those nodes lie on no parameter's path, so autodiff never sees them.
    const onShapes = (n: (typeof g.nodes)[number]) => n.op === 'Expand' || n.outputs.some((v) => v.dtype === 'int64');
    const zeroState = f.model === 'rnn' && f.exporter === 'dynamo' ? g.nodes.filter(onShapes) : [];
    assert.deepEqual(zeroState.map((n) => n.op), zeroState.length ? ['Shape', 'Concat', 'Expand'] : []);
    for (const n of g.nodes) {
      if (zeroState.includes(n)) continue;
      assert.ok(!GONE.includes(n.op) && n.outputs.every((v) => v.dtype === 'float32'), `${n.op} ${n.name} is left`);
    }
    for (const n of g.nodes.filter((n) => ['LSTM', 'GRU'].includes(n.op))) assert.equal(n.inputs.length, 4, `${n.name}: initial states removed`);
    for (const v of values(g)) assert.ok(v.shape && v.shape.every((d) => typeof d === 'number' || d === 'batch'), `${v}`);
    assert.ok(ops.length <= imported.graph.nodes.length);
    assert.deepEqual(g.outputs.map(String), imported.graph.outputs.map(String));
    const bytes = serializeModel(g, { opset: imported.opset });
    assertClose((await run(bytes, feed(batches.batches[0]!))).y!, readModule(f.model).outputs, 1e-5, 'vs PyTorch');
  });
}

test('a fixed batch folds the zero-state arithmetic into nothing', async () => {
  const loaded = loadGraphFile(fixturePath('lstm2', 'legacy'));
  const m = loadModelBytes(encodeModel(modelProto(loaded.graph, { opset: 17 })), 'fixed.onnx').model;
  m.graph!.input![0]!.type!.tensorType!.shape!.dim![0] = { dimValue: batches.batch };
  const again = loadModelBytes(encodeModel(m), 'fixed.onnx');
  const g = canonicalise(graphFromModel(again.model, again.byProto, 'fixed.onnx').graph, 'fixed.onnx');
  assert.deepEqual(g.nodes.map((n) => n.op), ['Transpose', 'LSTM', 'Squeeze', 'LSTM', 'Squeeze', 'Transpose', 'Gather', 'Relu', 'Gemm']);
  assertClose((await run(serializeModel(g), feed(batches.batches[0]!))).y!, readModule('lstm2').outputs, 1e-5, 'vs PyTorch');
});

/** A recurrent op over x [B, T, F] (layout 1) or x [T, B, F] (layout 0) with seeded weights. */
function recurrentModel(op: 'LSTM' | 'GRU', layout: 0 | 1, extra: (g: Graph, x: Value) => (Value | null)[] = () => [], attrs: Attrs = {}): Graph {
  const [T, F, H] = [5, 2, 4];
  const gates = op === 'LSTM' ? 4 : 3;
  const D = attrs.direction?.type === 'string' && attrs.direction.value === 'bidirectional' ? 2 : 1;
  const rng = new Rng(7);
  const w = (dims: number[]) => Tensor.float(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.uniform(-0.5, 0.5)));
  const g = new Graph(`${op}_${layout}`);
  const x = g.input('x', 'float32', layout ? ['batch', T, F] : [T, 'batch', F]);
  const ins = [x, g.initializer('W', w([D, gates * H, F])), g.initializer('R', w([D, gates * H, H])), g.initializer('B', w([D, 2 * gates * H])), ...extra(g, x)];
  const outs = g.add(op, ins, { hidden_size: attr.int(H), ...(layout ? { layout: attr.int(1) } : {}), ...attrs }, { count: op === 'LSTM' ? 3 : 2, names: op === 'LSTM' ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'] });
  outs.forEach((v) => g.output(v));
  return g;
}

for (const op of ['LSTM', 'GRU'] as const) {
  test(`${op} in layout 1 becomes layout 0 between Transposes, with the same outputs`, async () => {
    const g = canonicalise(recurrentModel(op, 1), 'batch-first.onnx');
    const node = g.nodes.find((n) => n.op === op)!;
    assert.equal(node.int('layout', 0), 0);
    assert.deepEqual(g.outputs.slice(0, 2).map(String), ['Y: float32[batch,5,1,4]', 'Y_h: float32[batch,1,4]']);
    const rng = new Rng(3);
    const xs = Float32Array.from({ length: 3 * 5 * 2 }, () => rng.uniform(-1, 1));
    const ours = await run(serializeModel(g), { x: new ort.Tensor('float32', xs, [3, 5, 2]) });
    // Reference: the same weights in layout 0, on x transposed, outputs transposed back here.
    const xt = new Float32Array(xs.length);
    for (let b = 0; b < 3; b++) for (let t = 0; t < 5; t++) for (let f = 0; f < 2; f++) xt[(t * 3 + b) * 2 + f] = xs[(b * 5 + t) * 2 + f]!;
    const ref = await run(serializeModel(recurrentModel(op, 0)), { x: new ort.Tensor('float32', xt, [5, 3, 2]) });
    const yRef = new Float32Array(ref.Y!.length);
    for (let t = 0; t < 5; t++) for (let b = 0; b < 3; b++) for (let h = 0; h < 4; h++) yRef[(b * 5 + t) * 4 + h] = ref.Y![(t * 3 + b) * 4 + h]!;
    assertClose(ours.Y!, yRef, 0, 'Y');
    assertClose(ours.Y_h!, ref.Y_h!, 0, 'Y_h');
  });
}

for (const op of ['LSTM', 'GRU'] as const) {
  for (const direction of ['reverse', 'bidirectional']) {
    test(`${op} ${direction} becomes forward ${op}s over reversed time, with ONNX Runtime's outputs`, async () => {
      const src = recurrentModel(op, 0, (g) => (direction === 'bidirectional' && op === 'LSTM' ? [null, g.initializer('h0', Tensor.float([2, 1, 4], [0.1, -0.2, 0.3, 0.05, -0.1, 0.2, 0.4, -0.3])), null] : []), { direction: attr.string(direction) });
      const g = canonicalise(src, `${direction}.onnx`);
      const nodes = g.nodes.filter((n) => n.op === op);
      assert.equal(nodes.length, direction === 'bidirectional' ? 2 : 1);
      for (const n of nodes) assert.equal(n.string('direction', 'forward'), 'forward');
      assert.deepEqual(g.outputs.map(String), src.outputs.map((v) => `${v.name}: float32[${v.shape!.join(',')}]`));
      const rng = new Rng(5);
      const feeds = { x: new ort.Tensor('float32', Float32Array.from({ length: 5 * 1 * 2 }, () => rng.uniform(-1, 1)), [5, 1, 2]) };
      const [ours, ref] = [await run(serializeModel(g), feeds), await run(serializeModel(src), feeds)];
      for (const k of Object.keys(ref)) assertClose(ours[k]!, ref[k]!, 1e-6, k);
    });
  }
}

test('a constant non-zero initial state is kept; zero ones are dropped', async () => {
  const h0 = (value: number) => (g: Graph) => [null, g.initializer('h0', Tensor.float([1, 1, 4], [value, value, value, value])), null];
  const withState = canonicalise(recurrentModel('GRU', 0, h0(0.25)), 'h0.onnx');
  assert.equal(withState.nodes.find((n) => n.op === 'GRU')!.inputs[5]?.name, 'h0');
  const zero = canonicalise(recurrentModel('GRU', 0, h0(0)), 'h0.onnx');
  assert.equal(zero.nodes.find((n) => n.op === 'GRU')!.inputs.length, 4);
});

function refusal(g: Graph): string {
  try {
    canonicalise(g, 'bad.onnx');
  } catch (e) {
    assert.ok(e instanceof ModelError, String(e));
    assert.ok(!e.message.includes('\n'), e.message);
    assert.match(e.message, /^bad\.onnx: node /);
    return e.message;
  }
  assert.fail('the model was not refused');
}

test('refusals: a state computed from the inputs, sequence lengths, Dropout\'s mask', () => {
  assert.match(refusal(recurrentModel('LSTM', 0, (g, x) => {
    const o = new Ops(g);
    const first = o.slice(x, [0], [1], [0]); // [1, batch, 2]
    return [null, o.concat([first, first], 2), null];
  })), /initial state .* is computed from the model's inputs and is not zero/);
  assert.match(refusal(recurrentModel('GRU', 0, (g) => [g.constant(new Tensor('int32', [3], Int32Array.from([5, 5, 5])))])), /sequence_lens/);
  const g = new Graph('dropout');
  const x = g.input('x', 'float32', ['batch', 2]);
  const [y, mask] = g.add('Dropout', [x], {}, { count: 2 });
  g.output(y!, 'y');
  g.output(new Ops(g).cast(mask!, 'float32'), 'm');
  assert.match(refusal(g), /Dropout's mask/);
});

test('inference-mode Dropout and Identity disappear', async () => {
  const g = new Graph('dropout');
  const x = g.input('x', 'float32', ['batch', 2]);
  const o = new Ops(g);
  const [d] = g.add('Dropout', [o.identity(x)], {}, { count: 1 });
  g.output(o.relu(d!, 'y'));
  const c = canonicalise(g, 'dropout.onnx');
  assert.deepEqual(c.nodes.map((n) => n.op), ['Relu']);
  const feeds = { x: new ort.Tensor('float32', Float32Array.from([1, -2, 3, -4]), [2, 2]) };
  assertClose((await run(serializeModel(c), feeds)).y!, (await run(serializeModel(g), feeds)).y!, 0, 'y');
});

test('bodies are rewritten too, keep the outer values they read, and what nothing needs is removed', async () => {
  const g = new Graph('loop');
  const x = g.input('x', 'float32', [3]);
  const scale = g.initializer('scale', Tensor.float([3], [1, 2, 3]));
  const unused = g.initializer('unused', Tensor.float([1], [9]));
  const o = new Ops(g);
  o.mul(x, unused); // dead
  const body = g.subgraph('body');
  body.input('iter', 'int64', [], true);
  const cond = body.input('cond_in', 'bool', [], true);
  const acc = body.input('acc', 'float32', [3], true);
  const half = body.add('Constant', [], { value_float: attr.float(0.5) })[0]!;
  const bo = new Ops(body);
  body.output(bo.identity(cond));
  body.output(bo.add(bo.mul(bo.identity(acc), half), scale));
  const [looped] = g.add('Loop', [g.constant(Tensor.int64([], [3])), null, x], { body: attr.graph(body) }, { names: ['y'] });
  g.output(looped!);
  const c = canonicalise(g, 'loop.onnx');
  assert.deepEqual(c.nodes.map((n) => n.op), ['Loop']);
  assert.deepEqual([...c.initializers.keys()].map((v) => v.name).filter((n) => n === 'unused'), []);
  const cb = c.nodes[0]!.attrs.body!;
  assert.ok(cb.type === 'graph' && !cb.value.nodes.some((n) => n.op === 'Constant'));
  const feeds = { x: new ort.Tensor('float32', Float32Array.from([0.5, -1, 2]), [3]) };
  assertClose((await run(serializeModel(c), feeds)).y!, (await run(serializeModel(g), feeds)).y!, 0, 'y');
});
