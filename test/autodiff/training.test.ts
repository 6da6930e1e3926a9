// The losses and the training artifacts end to end: every loss's value against torch's formula, and
// training_model.onnx's loss and gradients, run in onnxruntime-node, against the independent float64 forecaster and
// losses of test/helpers/reference.ts (not the builder's graph), differentiated by central differences along random
// directions per parameter.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { RecurrenceMode } from '../../src/autodiff/registry.ts';
import { evalGraph as evalModelGraph, trainingGraph } from '../../src/artifacts/training.ts';
import { Rng } from '../../src/data/rng.ts';
import { Graph } from '../../src/graph/graph.ts';
import { loss, type LossName } from '../../src/graph/losses.ts';
import { forecasterModel, initParameters, parameterSpecs, type ModelConfig } from '../../src/graph/model.ts';
import { Ops } from '../../src/graph/ops.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { checkGradients, FD_EPS, GRAD_ABS, GRAD_REL, runOrt } from '../helpers/gradcheck.ts';

/** The feeds training_model.onnx and eval_model.onnx take: x, target, then every parameter by name. */
function modelFeeds(c: ModelConfig, batch: number, x: Float32Array, target: Float32Array, params: Map<string, Tensor>): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float32', x, [batch, c.window, c.features]),
    target: new ort.Tensor('float32', target, [batch, c.outputs]),
  };
  for (const [n, t] of params) feeds[n] = new ort.Tensor('float32', t.data as Float32Array, [...t.dims]);
  return feeds;
}
import { forecasterForward, lossReference } from '../helpers/reference.ts';

for (const kind of ['mse', 'l1', 'huber'] as LossName[]) {
  test(`${kind} loss: gradients for prediction and target`, async () => {
    // y - target spans about ±2: huber with delta 0.7 has elements on both sides of its kink.
    await checkGradients({
      inputs: [{ name: 'y', dims: [4, 2], shape: ['batch', 2] }, { name: 't', dims: [4, 2], shape: ['batch', 2] }],
      build: (o, [y, t]) => loss(o, kind, y!, t!, undefined, 0.7),
    });
  });
}

// The values against torch's definitions, not against the same graph evaluated again: a constant offset in one piece
// of a loss (Huber's 0.5·delta) has no gradient, so only an independent formula sees it. The differences y - t run
// over ±3, on both sides of every delta.
for (const kind of ['mse', 'l1', 'huber'] as LossName[]) {
  for (const delta of kind === 'huber' ? [0.3, 1, 2.5] : [1]) {
    test(`${kind} loss${kind === 'huber' ? ` (delta ${delta})` : ''}: the value is torch.nn's, reduction mean`, async () => {
      const g = new Graph('loss');
      const o = new Ops(g);
      const dims = [5, 4];
      g.output(loss(o, kind, g.input('y', 'float32', dims), g.input('t', 'float32', dims), 'loss', delta));
      const rng = Rng.derive(delta * 10, `${kind} values`);
      const y = Float32Array.from({ length: 20 }, () => rng.uniform(-2, 2));
      const t = Float32Array.from(y, (v) => v - rng.uniform(-3, 3));
      const d = Array.from(y, (v, i) => Math.abs(v - t[i]!));
      assert.ok(d.some((a) => a < delta) && d.some((a) => a > delta), 'elements on both sides of delta');
      const r = await runOrt(serializeModel(g), { y: new ort.Tensor('float32', y, dims), t: new ort.Tensor('float32', t, dims) });
      const want = lossReference(kind, y, t, delta);
      const got = Number(r.loss!.data[0]);
      assert.ok(Math.abs(got - want) <= 1e-6 * Math.abs(want), `${got} vs reference ${want}`);
    });
  }
}

const worst = { ratio: 0, abs: 0, rel: 0 };
after(() => console.log(`# training_model vs float64 reference: worst ratio ${worst.ratio.toExponential(2)}, ` +
  `abs ${worst.abs.toExponential(2)}, rel ${worst.rel.toExponential(2)}`));

function randomArray(seed: number, purpose: string, n: number): Float32Array {
  const rng = Rng.derive(seed, purpose);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

// Targets span ±2, so that some |y - target| pass Huber's delta of 1.
const configs: { name: string; c: ModelConfig; mode: RecurrenceMode; lossKind: LossName }[] = [
  { name: '1 layer, scan', c: { features: 2, window: 6, hidden: 4, layers: 1, outputs: 2, dense: [] }, mode: 'scan', lossKind: 'mse' },
  { name: '1 layer, unrolled', c: { features: 2, window: 6, hidden: 4, layers: 1, outputs: 2, dense: [] }, mode: 'unrolled', lossKind: 'mse' },
  { name: '2 layers + dense, scan', c: { features: 3, window: 5, hidden: 4, layers: 2, outputs: 1, dense: [3] }, mode: 'scan', lossKind: 'mse' },
  { name: '2 layers + dense, unrolled', c: { features: 3, window: 5, hidden: 4, layers: 2, outputs: 1, dense: [3] }, mode: 'unrolled', lossKind: 'mse' },
  { name: '1 layer, scan, l1', c: { features: 2, window: 6, hidden: 4, layers: 1, outputs: 2, dense: [] }, mode: 'scan', lossKind: 'l1' },
  { name: '2 layers + dense, unrolled, huber', c: { features: 3, window: 5, hidden: 4, layers: 2, outputs: 1, dense: [3] }, mode: 'unrolled', lossKind: 'huber' },
];

for (const { name, c, mode, lossKind } of configs) {
  test(`training_model (${name}): loss and every parameter gradient match the float64 reference`, async () => {
    const bytes = serializeModel(trainingGraph(forecasterModel(c), { recurrence: mode, loss: lossKind }));
    const batch = 8;
    const params = initParameters(c, 11);
    const x = randomArray(1, 'x', batch * c.window * c.features);
    const target = randomArray(1, 'target', batch * c.outputs).map((v) => 2 * v);
    const r = await runOrt(bytes, modelFeeds(c, batch, x, target, params));

    const lossOf = (p: Map<string, Tensor>) => lossReference(lossKind, forecasterForward(c, p, x, batch), target);
    const ref = lossOf(params);
    assert.ok(Math.abs(Number(r.loss!.data[0]) - ref) <= GRAD_ABS + GRAD_REL * ref, `loss ${r.loss!.data[0]} vs reference ${ref}`);

    const rng = Rng.derive(5, 'directions');
    for (const s of parameterSpecs(c)) {
      const grad = r[`${s.name}_grad`]!;
      assert.deepEqual([...grad.dims], s.dims, `${s.name}_grad dims`);
      // Not vacuous: a ReLU that is off for every row would zero the gradients of everything before it.
      const norm = Math.hypot(...(grad.data as Float32Array));
      assert.ok(norm > 1e-3, `${s.name}_grad is (nearly) zero: |g| = ${norm}`);
      const p0 = params.get(s.name)!;
      for (let k = 0; k < 2; k++) {
        const v = Float64Array.from({ length: p0.size }, () => rng.uniform(-1, 1));
        const at = (d: number) => {
          const moved = new Map(params);
          moved.set(s.name, new Tensor('float64', p0.dims, Float64Array.from(p0.data as Float32Array, (w, i) => w + d * v[i]!)));
          return lossOf(moved);
        };
        const fd = (at(FD_EPS) - at(-FD_EPS)) / (2 * FD_EPS);
        let analytic = 0, scale = 0;
        (grad.data as Float32Array).forEach((gi, i) => {
          analytic += gi * v[i]!;
          scale += Math.abs(gi * v[i]!);
        });
        const err = Math.abs(analytic - fd);
        worst.ratio = Math.max(worst.ratio, err / (GRAD_ABS + GRAD_REL * scale));
        worst.abs = Math.max(worst.abs, err);
        worst.rel = Math.max(worst.rel, err / scale);
        assert.ok(err <= GRAD_ABS + GRAD_REL * scale, `${s.name} direction ${k}: analytic ${analytic}, finite difference ${fd}`);
      }
    }
  });
}

test('eval_model: loss and y match the float64 reference', async () => {
  const c: ModelConfig = { features: 1, window: 7, hidden: 5, layers: 2, outputs: 1, dense: [] };
  const batch = 9;
  const params = initParameters(c, 4);
  const x = randomArray(2, 'x', batch * c.window);
  const target = randomArray(2, 'target', batch);
  const r = await runOrt(serializeModel(evalModelGraph(forecasterModel(c))), modelFeeds(c, batch, x, target, params));
  const y = forecasterForward(c, params, x, batch);
  // float32 forward vs float64 reference: the same 1e-5 bound as model.onnx (test/graph/inference.test.ts).
  (r.y!.data as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - y[i]!) <= 1e-5, `y[${i}] ${v} vs ${y[i]}`));
  assert.ok(Math.abs(Number(r.loss!.data[0]) - lossReference('mse', y, target)) <= 1e-5);
});
