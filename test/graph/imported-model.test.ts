// An imported graph as a TrainableModel (src/graph/imported-model.ts): which initializers it trains (by default,
// --trainable, --freeze), which output (--output), and a batch the export fixed, made dynamic where the graph
// follows and refused in one line where the graph builds it in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildArtifacts } from '../../src/artifacts/build.ts';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { FILES } from '../../src/artifacts/manifest.ts';
import { ModelError } from '../../src/graph/errors.ts';
import { Graph } from '../../src/graph/graph.ts';
import { importedModel, type ImportOptions } from '../../src/graph/imported-model.ts';
import { Ops } from '../../src/graph/ops.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { loadGraphFile, loadModelBytes } from '../../src/node/onnx-file.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { graphFromModel } from '../../src/onnx/load-graph.ts';
import { modelProto, serializeModel } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { fixturePath, readBatches, readModule } from '../helpers/torch-fixtures.ts';

const batches = readBatches();

/** `g` after a trip through bytes, as the loader gives it. */
function reload(g: Graph) {
  const m = loadModelBytes(encodeModel(modelProto(g)), 'm.onnx');
  return graphFromModel(m.model, m.byProto, 'm.onnx');
}

/** x [batch, 4] -> Gemm(w, b) -> Mul(scale) -> Reshape(by a stored shape) -> y; and a second output z. */
function twoLayer(): Graph {
  const g = new Graph('m');
  const o = new Ops(g);
  const x = g.input('x', 'float32', ['batch', 4]);
  const w = g.initializer('layer.weight', Tensor.float([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]));
  const b = g.initializer('layer.bias', Tensor.float([2], [0.1, 0.2]));
  const scale = g.initializer('scale', Tensor.float([], [0.5]));
  const shape = g.initializer('shape', Tensor.int64([2], [-1, 2]));
  const h = o.mul(o.gemm(x, w, b, { transB: true }), scale);
  g.output(g.add('Reshape', [h, shape], {}, { names: ['y'] })[0]!);
  g.output(o.tanh(h, 'z'));
  return g;
}

const names = (opts: ImportOptions) => importedModel(reload(twoLayer()), 'm.onnx', { output: 'y', ...opts }).model;

test('trained by default: float weights of rank >= 1 on the way to the output; scalars and integers stay frozen', () => {
  const m = names({});
  assert.deepEqual(m.params.map((p) => p.name), ['layer.weight', 'layer.bias']);
  assert.deepEqual([...m.frozen.keys()].sort(), ['scale', 'shape']);
  assert.deepEqual([m.input, m.output], [{ name: 'x', dims: ['batch', 4] }, { name: 'y', dims: ['batch', 2] }]);
});

test('--trainable names the trained weights, --freeze patterns keep matches frozen', () => {
  assert.deepEqual(names({ trainable: ['layer.bias'] }).params.map((p) => p.name), ['layer.bias']);
  assert.deepEqual(names({ freeze: ['*.weight'] }).params.map((p) => p.name), ['layer.bias']);
  assert.throws(() => names({ trainable: ['shape'] }), /--trainable: "shape" is not a float32 weight the output depends on differentiably/);
  assert.throws(() => names({ freeze: ['layer.*'] }), /no weight is left to train/);
});

test('a model with several outputs needs --output, and the one named must exist', () => {
  assert.throws(() => importedModel(reload(twoLayer()), 'm.onnx'), (e: Error) => e instanceof ModelError && /has 2 outputs \(y, z\); choose one with --output/.test(e.message));
  assert.throws(() => names({ output: 'w' }), /no output "w" \(its outputs: y, z\)/);
  assert.equal(names({ output: 'z' }).output.name, 'z');
});

test('a batch fixed in the export becomes dynamic when the graph computes its shapes from the input', async () => {
  // The legacy exporter without dynamic_axes: the same graph, its input's batch fixed at 8.
  const g = loadGraphFile(fixturePath('lstm', 'legacy')).graph;
  const proto = modelProto(g, { opset: 17 });
  proto.graph!.input![0]!.type!.tensorType!.shape!.dim![0] = { dimValue: batches.batch };
  proto.graph!.output![0]!.type!.tensorType!.shape!.dim![0] = { dimValue: batches.batch };
  const m = loadModelBytes(encodeModel(proto), 'fixed.onnx');
  const { model, params } = importedModel(graphFromModel(m.model, m.byProto, 'fixed.onnx'), 'fixed.onnx');
  assert.deepEqual([model.input.dims, model.output.dims], [['batch', 8, 1], ['batch', 1]]);
  // Three windows, where the export took eight: PyTorch's outputs on those rows.
  const s = await ort.InferenceSession.create(serializeModel(inferenceGraph(model, params)));
  const y = (await s.run({ x: new ort.Tensor('float32', Float32Array.from(batches.batches[0]!.x.slice(0, 24)), [3, 8, 1]) })).y!.data as Float32Array;
  readModule('lstm').outputs.slice(0, 3).forEach((v, i) => assert.ok(Math.abs(y[i]! - v) <= 1e-5, `${y[i]} vs ${v}`));
});

test('a batch the graph builds in (a constant reshape target) is refused in one line', () => {
  const g = new Graph('fixed');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [8, 4]);
  const w = g.initializer('w', Tensor.float([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
  g.output(o.reshape(o.matmul(x, w), [8, 2, 1]), 'y');
  assert.throws(() => importedModel(reload(g), 'fixed.onnx'), (e: Error) =>
    e instanceof ModelError && !e.message.includes('\n') && /input "x" fixes the batch at 8 and the graph builds that size in .* re-export it with a dynamic batch/.test(e.message));
});

test('a weight used by several nodes (tied, or an unrolled recurrence\'s R) trains: its gradient sums every use', async () => {
  // y = tanh(x·W)·W·v: W read twice. The gradient from the training graph against central differences in float64.
  const g = new Graph('tied');
  const o = new Ops(g);
  const x = g.input('x', 'float32', ['batch', 3]);
  const W = [0.3, -0.2, 0.5, 0.1, 0.4, -0.6, -0.3, 0.2, 0.7];
  const v = [0.5, -1, 0.25];
  const w = g.initializer('w', Tensor.float([3, 3], W));
  const out = g.initializer('v', Tensor.float([3, 1], v));
  g.output(o.matmul(o.matmul(o.tanh(o.matmul(x, w)), w), out, 'y'));
  const { model, params } = importedModel(reload(g), 'tied.onnx', { trainable: ['w'] });
  const { files } = buildArtifacts({ model, params, seed: 0, optimizer: makeOptimizer('adam') });
  const s = await ort.InferenceSession.create(files[FILES.training]!);
  const X = [0.2, -0.4, 0.9, -0.7, 0.3, 0.1], T = [0.05, -0.3];
  const r = await s.run({ x: new ort.Tensor('float32', Float32Array.from(X), [2, 3]), target: new ort.Tensor('float32', Float32Array.from(T), [2, 1]), w: new ort.Tensor('float32', Float32Array.from(W), [3, 3]) });
  await s.release();
  const loss = (w: number[]) => {
    let sum = 0;
    for (let b = 0; b < 2; b++) {
      const h = [0, 1, 2].map((j) => Math.tanh([0, 1, 2].reduce((a, k) => a + X[b * 3 + k]! * w[k * 3 + j]!, 0)));
      const hw = [0, 1, 2].map((j) => [0, 1, 2].reduce((a, k) => a + h[k]! * w[k * 3 + j]!, 0));
      const y = hw.reduce((a, hj, j) => a + hj * v[j]!, 0);
      sum += (y - T[b]!) ** 2;
    }
    return sum / 2;
  };
  const grad = r.w_grad!.data as Float32Array;
  W.forEach((_, i) => {
    const e = 1e-6, up = [...W], down = [...W];
    up[i]! += e;
    down[i]! -= e;
    const fd = (loss(up) - loss(down)) / (2 * e);
    assert.ok(Math.abs(grad[i]! - fd) <= 1e-5 + 1e-4 * Math.abs(fd), `dL/dw[${i}]: ${grad[i]} vs ${fd}`);
  });
});
