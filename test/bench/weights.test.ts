// The other frameworks start where ingraph starts: the gate reordering is checked against an independent float64
// reference of the ONNX LSTM, once through a PyTorch-layout cell written here and once through TensorFlow.js.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initParameters } from '../../src/graph/model.ts';
import { forecasterForward } from '../helpers/reference.ts';
import { IFCO_FROM_ONNX, onnxLstm, onnxToKeras, onnxToTorch, reorderGates, transpose } from '../../scripts/bench/weights.ts';
import { buildModel, predict, tf } from '../../scripts/bench/tfjs-model.ts';
import { initialWeights, modelConfig, TUTORIAL, type Workload } from '../../scripts/bench/workload.ts';

const w: Workload = { ...TUTORIAL, hidden: 3, window: 4 };
const c = modelConfig(w);
const H = w.hidden;
const x = Float32Array.from({ length: 5 * w.window }, (_, i) => Math.sin(i * 0.7) + 0.1 * Math.cos(i * 3.1));
const reference = () => forecasterForward(c, initParameters(c, w.seed), x, 5);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

test('reorderGates: ONNX blocks i, o, f, c become i, f, c, o', () => {
  assert.deepEqual([...IFCO_FROM_ONNX], [0, 2, 3, 1]);
  const m = Float32Array.from({ length: 8 }, (_, r) => r); // H = 2, one column: rows 0-1 i, 2-3 o, 4-5 f, 6-7 c
  assert.deepEqual(Array.from(reorderGates(m, 2, 1)), [0, 1, 4, 5, 6, 7, 2, 3]);
  assert.deepEqual(Array.from(transpose(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3)), [1, 4, 2, 5, 3, 6]);
});

test('onnxToTorch: a PyTorch-layout LSTM cell (gates i, f, g, o) gives the reference forecaster output', () => {
  const init = initialWeights(w);
  const t = onnxToTorch(onnxLstm(init, H));
  const fcW = init.get('fc.weight')!, fcB = init.get('fc.bias')!;
  for (let b = 0; b < 5; b++) {
    const h = new Float64Array(H), cs = new Float64Array(H);
    for (let s = 0; s < w.window; s++) {
      const xt = x[b * w.window + s]!;
      const gate = (k: number, j: number) => {
        const r = k * H + j;
        let z = t.weight_ih[r]! * xt + t.bias_ih[r]! + t.bias_hh[r]!;
        for (let q = 0; q < H; q++) z += t.weight_hh[r * H + q]! * h[q]!;
        return z;
      };
      const pre = [0, 1, 2, 3].map((k) => Array.from({ length: H }, (_, j) => gate(k, j)));
      for (let j = 0; j < H; j++) {
        cs[j] = sigmoid(pre[1]![j]!) * cs[j]! + sigmoid(pre[0]![j]!) * Math.tanh(pre[2]![j]!);
        h[j] = sigmoid(pre[3]![j]!) * Math.tanh(cs[j]!);
      }
    }
    let y = fcB[0]!;
    for (let j = 0; j < H; j++) y += fcW[j]! * Math.max(0, h[j]!);
    assert.ok(Math.abs(y - reference()[b]!) < 1e-5, `row ${b}: ${y} vs ${reference()[b]}`);
  }
});

test('onnxToKeras: the TensorFlow.js model (sigmoid recurrent activation) predicts what the reference does', async () => {
  await tf.setBackend('cpu');
  const k = onnxToKeras(onnxLstm(initialWeights(w), H));
  assert.equal(k.kernel.length, 4 * H);
  assert.equal(k.recurrentKernel.length, 4 * H * H);
  const model = buildModel(w, initialWeights(w));
  const y = predict(model, x, 5, w.window);
  model.dispose();
  const ref = reference();
  for (let b = 0; b < 5; b++) assert.ok(Math.abs(y[b]! - ref[b]!) < 1e-5, `row ${b}: ${y[b]} vs ${ref[b]}`);
});
