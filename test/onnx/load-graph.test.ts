// ModelProto -> Graph (src/onnx/load-graph.ts): real PyTorch exports, and models with what exporters use less often
// (Loop, Scan and If bodies reading outer values, Constant nodes of every kind, opset-17 reduce axes), load and
// serialize back to models that compute the same outputs in onnxruntime-node; what cannot be read is refused in
// one line naming the file.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/graph/graph.ts';
import { attr } from '../../src/graph/node.ts';
import { Ops } from '../../src/graph/ops.ts';
import { loadGraphFile, loadModelBytes } from '../../src/node/onnx-file.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { OnnxError } from '../../src/onnx/errors.ts';
import { graphFromModel } from '../../src/onnx/load-graph.ts';
import { onnx } from '../../src/onnx/proto.ts';
import { modelProto, serializeModel } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { FIXTURES, readBatches, readModule } from '../helpers/torch-fixtures.ts';
import { tempDirs } from '../helpers/tmp.ts';

const batches = readBatches();
const tmp = tempDirs('ingraph-load-graph');

async function run(model: string | Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const s = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
  const r = await s.run(feeds);
  await s.release();
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.data as Float32Array]));
}

const batchFeed = (b: { x: number[] }) => ({ x: new ort.Tensor('float32', Float32Array.from(b.x), [b.x.length / batches.window, batches.window, 1]) });

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

for (const f of FIXTURES) {
  test(`${f.model} (${f.exporter} export): load -> serialize computes PyTorch's outputs and the source's`, async () => {
    const imported = loadGraphFile(f.path);
    const g = imported.graph;
    assert.equal(imported.opset, f.exporter === 'legacy' ? 17 : 18);
    assert.match(imported.producer, /^pytorch/);
    assert.deepEqual(g.inputs.map(String), ['x: float32[batch,8,1]']);
    assert.deepEqual(g.outputs.map(String), ['y: float32[batch,1]']);
    assert.deepEqual([...g.initializers.keys()].map((v) => v.name), imported.initializers);
    const bytes = serializeModel(g, { opset: imported.opset });
    const ours = await run(bytes, batchFeed(batches.batches[0]!));
    assertClose(ours.y!, readModule(f.model).outputs, 1e-5, 'vs PyTorch');
    for (const b of batches.batches) {
      const [a, e] = [await run(bytes, batchFeed(b)), await run(f.path, batchFeed(b))];
      assertClose(a.y!, e.y!, 1e-6, 'vs the source in onnxruntime');
    }
  });
}

/** Loads `g` after a trip through bytes, and checks the reloaded model gives the same outputs as `g` itself. */
async function roundTrip(g: Graph, feeds: Record<string, ort.Tensor>, opset = 18): Promise<Graph> {
  const bytes = serializeModel(g, { opset });
  const loaded = loadModelBytes(bytes, 'test.onnx');
  const back = graphFromModel(loaded.model, loaded.byProto, 'test.onnx');
  const [a, b] = [await run(bytes, feeds), await run(serializeModel(back.graph, { opset }), feeds)];
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
  for (const k of Object.keys(a)) assertClose(b[k]!, a[k]!, 0, k);
  return back.graph;
}

test('Loop, Scan and If bodies load with their outer-scope reads, and compute the same', async () => {
  const g = new Graph('control');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [3]);
  const scale = g.initializer('scale', Tensor.float([3], [1, 2, 3]));
  // Loop: acc <- acc * 0.5 + scale, three times; also stacks acc per iteration.
  const body = g.subgraph('loop_body');
  body.input('iter', 'int64', [], true);
  const cond = body.input('cond_in', 'bool', [], true);
  const acc = body.input('acc', 'float32', [3], true);
  const bo = new Ops(body);
  const next = bo.add(bo.mul(acc, bo.scalar(0.5)), scale);
  body.output(bo.identity(cond));
  body.output(next);
  body.output(bo.identity(next));
  const [looped, stacked] = g.add('Loop', [g.constant(Tensor.int64([], [3])), null, x], { body: attr.graph(body) }, { count: 2 });
  // Scan: running sum over the rows of `stacked`.
  const sb = g.subgraph('scan_body');
  const sum = sb.input('sum', 'float32', [3], true);
  const row = sb.input('row', 'float32', [3], true);
  const so = new Ops(sb);
  const s2 = so.add(sum, row);
  sb.output(s2);
  sb.output(so.identity(s2));
  const [total] = g.add('Scan', [o.zerosLike(x), stacked!], { body: attr.graph(sb), num_scan_inputs: attr.int(1) }, { count: 2 });
  // If: on a computed condition, each branch reads outer values.
  const thenG = g.subgraph('then');
  thenG.output(new Ops(thenG).mul(total!, scale));
  const elseG = g.subgraph('else');
  elseG.output(new Ops(elseG).neg(looped!));
  const [chosen] = g.add('If', [o.less(o.reduceSum(x, [0]), o.scalar(100))], { then_branch: attr.graph(thenG), else_branch: attr.graph(elseG) });
  g.output(chosen!, 'out');
  const back = await roundTrip(g, { x: new ort.Tensor('float32', Float32Array.from([0.5, -1, 2]), [3]) });
  const ops = back.nodes.map((n) => n.op);
  for (const op of ['Loop', 'Scan', 'If']) assert.ok(ops.includes(op), op);
  const loop = back.nodes.find((n) => n.op === 'Loop')!;
  const loopBody = loop.attrs.body!.type === 'graph' ? loop.attrs.body.value : null;
  assert.ok(loopBody && loopBody.parent === back);
  // The body reads "scale" from the main graph: the same Value, not a copy.
  const read = loopBody.nodes.flatMap((n) => n.inputs).find((v) => v?.name === 'scale');
  assert.equal(read, [...back.initializers.keys()].find((v) => v.name === 'scale'));
  assert.deepEqual(loop.outputs.map((v) => v.shape), [[3], [null, 3]]);
});

test('Constant nodes of every kind load as constants that shape inference reads', async () => {
  const g = new Graph('constants');
  const x = g.input('x', 'float32', ['batch', 6]);
  const shape = g.add('Constant', [], { value_ints: attr.ints([-1, 2, 3]) })[0]!;
  const r = g.add('Reshape', [x, shape], {})[0]!;
  const k = g.add('Constant', [], { value_float: attr.float(2) })[0]!;
  const ks = g.add('Constant', [], { value_floats: attr.floats([1, 2, 3]) })[0]!;
  const t = g.add('Constant', [], { value: { type: 'tensor', value: Tensor.float([2, 1], [10, 20]) } })[0]!;
  const o = new Ops(g);
  g.output(o.add(o.mul(o.mul(r, k), ks), t), 'y');
  const back = await roundTrip(g, { x: new ort.Tensor('float32', Float32Array.from({ length: 12 }, (_, i) => i), [2, 6]) });
  const reshape = back.nodes.find((n) => n.op === 'Reshape')!;
  assert.deepEqual(reshape.inputs[1]!.constValue?.numbers(), [-1, 2, 3]);
  assert.deepEqual(reshape.outputs[0]!.shape, ['batch', 2, 3]);
  assert.deepEqual(back.outputs.map(String), ['y: float32[batch,2,3]']);
});

test('an opset-17 ReduceMean (axes as an attribute) loads in the opset-18 form and computes the same', async () => {
  const g = new Graph('reduce');
  const x = g.input('x', 'float32', ['batch', 4]);
  g.output(g.add('ReduceMean', [x], { axes: attr.ints([1]), keepdims: attr.int(0) })[0]!, 'y');
  const bytes = serializeModel(g, { opset: 17 });
  const loaded = loadModelBytes(bytes, 'reduce.onnx');
  const back = graphFromModel(loaded.model, loaded.byProto, 'reduce.onnx');
  const node = back.graph.nodes.find((n) => n.op === 'ReduceMean')!;
  assert.equal(node.attrs.axes, undefined);
  assert.deepEqual(node.inputs[1]?.constValue?.numbers(), [1]);
  const feeds = { x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 4]) };
  assertClose((await run(serializeModel(back.graph), feeds)).y!, (await run(bytes, feeds)).y!, 0, 'y');
});

/** A small valid model to break one way at a time. */
function model(edit: (m: ReturnType<typeof modelProto>) => void): Uint8Array {
  const g = new Graph('m');
  const x = g.input('x', 'float32', ['batch', 2]);
  g.output(new Ops(g).relu(x, 'y'));
  const m = modelProto(g);
  edit(m);
  return encodeModel(m);
}

function refusal(bytes: Uint8Array): string {
  const loaded = loadModelBytes(bytes, 'bad.onnx');
  try {
    graphFromModel(loaded.model, loaded.byProto, 'bad.onnx');
  } catch (e) {
    assert.ok(e instanceof OnnxError, String(e));
    assert.ok(!e.message.includes('\n'), e.message);
    assert.match(e.message, /^bad\.onnx: /);
    return e.message;
  }
  assert.fail('the model was not refused');
}

test('refusals: opset out of 13-20, IR over 10, another domain, an element type ingraph does not read', () => {
  assert.match(refusal(model((m) => (m.opsetImport = [{ domain: '', version: 12 }]))), /opset 12; ingraph reads opsets 13 to 20/);
  assert.match(refusal(model((m) => (m.opsetImport = [{ domain: '', version: 21 }]))), /opset 21/);
  assert.match(refusal(model((m) => (m.opsetImport = [{ domain: 'ai.onnx.ml', version: 3 }]))), /imports no default-domain/);
  assert.match(refusal(model((m) => (m.irVersion = 11))), /IR version 11 is newer than ingraph reads/);
  assert.match(refusal(model((m) => {
    m.graph!.node![0]!.domain = 'com.microsoft';
    m.opsetImport!.push({ domain: 'com.microsoft', version: 1 });
  })), /"Relu".* is in domain "com.microsoft"; ingraph reads standard ONNX ops/);
  assert.match(refusal(model((m) => (m.graph!.input![0]!.type!.tensorType!.elemType = onnx.TensorProto.DataType.FLOAT16))), /"x" has element type FLOAT16/);
  assert.match(refusal(model((m) => {
    m.graph!.node![0]!.opType = 'NoSuchOp';
    m.graph!.node![0]!.output = ['z'];
    m.graph!.node!.push({ opType: 'Relu', name: 'after', input: ['z'], output: ['y'] });
  })), /ingraph does not know op "NoSuchOp" and the model does not declare its output types/);
});

test('an op ingraph does not know loads when the model declares its output type', async () => {
  const bytes = model((m) => {
    m.graph!.node![0]!.opType = 'Softsign';
  });
  const loaded = loadModelBytes(bytes, 'softsign.onnx');
  const back = graphFromModel(loaded.model, loaded.byProto, 'softsign.onnx');
  assert.deepEqual(back.graph.outputs.map(String), ['y: float32[batch,2]']);
  const feeds = { x: new ort.Tensor('float32', Float32Array.from([1, -2, 3, -4]), [2, 2]) };
  assertClose((await run(serializeModel(back.graph), feeds)).y!, (await run(bytes, feeds)).y!, 0, 'y');
});

test('external data outside the model\'s folder is refused in one line', () => {
  const dir = tmp();
  const g = new Graph('m');
  const x = g.input('x', 'float32', [2]);
  g.output(new Ops(g).add(x, g.initializer('w', Tensor.float([2], [1, 2]))), 'y');
  const m = modelProto(g);
  const w = m.graph!.initializer![0]!;
  w.rawData = new Uint8Array(0);
  w.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  w.externalData = [{ key: 'location', value: '../weights.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '8' }];
  writeFileSync(join(dir, 'model.onnx'), encodeModel(m));
  assert.throws(() => loadGraphFile(join(dir, 'model.onnx')), (e: Error) => e instanceof OnnxError && /"\.\.\/weights\.bin" leaves the model's folder/.test(e.message) && !e.message.includes('\n'));
});
