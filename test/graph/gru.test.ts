// The GRU layer: the ONNX GRU op and its unrolled composite compute the same thing in onnxruntime-node (and agree
// with the float64 reference written from the equations), in both linear_before_reset forms; parameter shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Rng } from '../../src/data/rng.ts';
import { Graph } from '../../src/graph/graph.ts';
import { gru, gruParamShapes, gruUnrolled } from '../../src/graph/layers/gru.ts';
import { Ops } from '../../src/graph/ops.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { runOrt } from '../helpers/gradcheck.ts';
import { arr, gruForward } from '../helpers/reference.ts';

const [T, B, F, H] = [9, 3, 2, 4];

test('gruParamShapes: W [1,3H,F], R [1,3H,H], B [1,6H]', () => {
  assert.deepEqual(gruParamShapes(F, H), { W: [1, 3 * H, F], R: [1, 3 * H, H], B: [1, 6 * H] });
});

for (const { linearBeforeReset, withH0 } of [true, false].flatMap((withH0) => [true, false].map((linearBeforeReset) => ({ linearBeforeReset, withH0 })))) {
  test(`GRU op and gruUnrolled agree in onnxruntime-node, and with the float64 reference (linear_before_reset ${+linearBeforeReset}${withH0 ? ', initial_h' : ''})`, async () => {
    const g = new Graph('gru_forward');
    const o = new Ops(g);
    const shapes = gruParamShapes(F, H);
    const x = g.input('x', 'float32', [T, 'batch', F]);
    const p = { W: g.input('W', 'float32', shapes.W), R: g.input('R', 'float32', shapes.R), B: g.input('B', 'float32', shapes.B) };
    const initialH = withH0 ? g.input('h0', 'float32', [1, 'batch', H]) : undefined;
    const op = gru(o, x, p, H, { linearBeforeReset, initialH });
    const un = gruUnrolled(o, x, p, H, { linearBeforeReset, initialH });
    assert.deepEqual(op.Y.shape, [T, 1, 'batch', H]);
    assert.deepEqual(un.Y.shape, [T, 1, 'batch', H]);
    assert.ok(g.composites.some((c) => c.node.op === 'GRU'), 'gruUnrolled declares a GRU composite');
    for (const [k, v] of Object.entries({ Y_op: op.Y, Yh_op: op.Yh, Y_un: un.Y, Yh_un: un.Yh })) g.output(v, k);

    const rng = Rng.derive((linearBeforeReset ? 1 : 2) + (withH0 ? 2 : 0), 'gru-forward');
    const data = (n: number, bound: number) => Float32Array.from({ length: n }, () => rng.uniform(-bound, bound));
    const size = (d: number[]) => d.reduce((a, b) => a * b, 1);
    const feeds = {
      x: data(T * B * F, 2),
      W: data(size(shapes.W), 0.8), R: data(size(shapes.R), 0.8), B: data(size(shapes.B), 0.8),
      ...(withH0 ? { h0: data(B * H, 1) } : {}),
    };
    const dims: Record<string, number[]> = { x: [T, B, F], W: shapes.W, R: shapes.R, B: shapes.B, h0: [1, B, H] };
    const r = await runOrt(serializeModel(g), Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v, dims[k]!)])));
    const ref = gruForward(arr(dims.x!, feeds.x), arr(shapes.W, feeds.W), arr(shapes.R, feeds.R), arr(shapes.B, feeds.B),
      feeds.h0 ? arr([1, B, H], feeds.h0) : null, linearBeforeReset);
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    const opVsUnrolled = Math.max(maxDiff(r.Y_op!.data as Float32Array, r.Y_un!.data as Float32Array), maxDiff(r.Yh_op!.data as Float32Array, r.Yh_un!.data as Float32Array));
    const opVsRef = maxDiff(r.Y_op!.data as Float32Array, ref.Y.data);
    const unVsRef = maxDiff(r.Y_un!.data as Float32Array, ref.Y.data);
    console.log(`# GRU forward, linear_before_reset ${+linearBeforeReset}${withH0 ? ', initial_h' : ''}: max |op - unrolled| ${opVsUnrolled.toExponential(2)}, ` +
      `|op - float64| ${opVsRef.toExponential(2)}, |unrolled - float64| ${unVsRef.toExponential(2)}`);
    // float32 over 9 steps of values in (-1, 1): a few units in the last place.
    assert.ok(opVsUnrolled <= 1e-6, `op and unrolled differ by ${opVsUnrolled}`);
    assert.ok(opVsRef <= 1e-6 && unVsRef <= 1e-6, `float64 reference differs by ${opVsRef} (op), ${unVsRef} (unrolled)`);
    assert.ok(Array.from(ref.Y.data).some((v) => Math.abs(v) > 0.1), 'the states are not trivially small');
  });
}
