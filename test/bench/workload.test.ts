// Every contender trains on what train() trains on: given the benchmark's data, batch order and initial weights,
// the bare loop ends where train() ends, bit for bit, and TensorFlow.js computes the same gradients.
import { forecasterModel } from '../../src/graph/model.ts';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { flatLayout } from '../../src/artifacts/train-step.ts';
import { trainingGraph } from '../../src/artifacts/training.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { train } from '../../src/train/trainer.ts';
import { DEFAULT_CHOICE, tutorialLoop } from '../../scripts/bench/step-loop.ts';
import { buildModel, mse, predict, tf, trainSteps } from '../../scripts/bench/tfjs-model.ts';
import { onnxToKeras } from '../../scripts/bench/weights.ts';
import { batchOrder, gather, initialWeights, modelConfig, TUTORIAL, workloadData } from '../../scripts/bench/workload.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-bench-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const epochs = 4;
const w = { ...TUTORIAL, epochs, lr: 1e-2 }; // a larger lr, so that 8 steps move the weights visibly

test('workloadData: the tutorial split, 360 training and 350 test rows of window 10', () => {
  const d = workloadData(TUTORIAL);
  assert.equal(d.trainRows, 360);
  assert.equal(d.testRows, 350);
  assert.equal(d.trainX.length, 3600);
  assert.equal(d.testY.length, 350);
  const order = batchOrder(TUTORIAL, d.trainRows, 2);
  assert.deepEqual(order.map((e) => e.map((b) => b.length)), [[256, 104], [256, 104]]);
});

test('the bare loop (any K) and train() end with the same test MSE from the same start and batches', async () => {
  const { metrics } = await train({ out: dir, preset: 'tutorial', epochs, lr: w.lr, evalEvery: epochs });
  for (const K of [1, 2, 3]) {
    const r = await tutorialLoop(w, K, DEFAULT_CHOICE);
    assert.equal(r.steps, epochs * 2);
    assert.equal(r.testMse, metrics.test_mse, `K=${K}`);
  }
});

test('TensorFlow.js computes the same gradients as ingraph from the same weights on the same batch', async () => {
  // Trajectories differ slightly under Adam, by design of the layers: Keras has one LSTM bias where ONNX and
  // PyTorch have two (input and recurrent) that Adam steps separately. The gradients themselves must agree.
  await tf.setBackend('cpu');
  const d = workloadData(w);
  const init = initialWeights(w);
  const b = gather(d, batchOrder(w, d.trainRows, 1)[0]![0]!);
  const n = b.y.length;
  const s = await ort.InferenceSession.create(serializeModel(trainingGraph(forecasterModel(modelConfig(w)))));
  const feeds: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float32', b.x, [n, w.window, 1]), target: new ort.Tensor('float32', b.y, [n, 1]),
  };
  for (const e of flatLayout(forecasterModel(modelConfig(w))).entries) feeds[e.name] = new ort.Tensor('float32', init.get(e.name)!, e.dims);
  const out = await s.run(feeds);
  await s.release();
  const g = (name: string) => out[`${name}_grad`]!.data as Float32Array;
  const ours = onnxToKeras({ W: g('lstm.W'), R: g('lstm.R'), B: g('lstm.B'), hidden: w.hidden, features: 1 });

  const model = buildModel(w, init);
  const xb = tf.tensor3d(b.x, [n, w.window, 1]), yb = tf.tensor2d(b.y, [n, 1]);
  const { grads } = tf.train.sgd(0).computeGradients(() => tf.losses.meanSquaredError(yb, model.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar);
  const theirs = (suffix: string) => Object.entries(grads).find(([k]) => k.endsWith(suffix))![1].dataSync() as Float32Array;
  const close = (a: ArrayLike<number>, e: ArrayLike<number>, what: string) => {
    assert.equal(a.length, e.length, what);
    const scale = Math.max(...Array.from(e, Math.abs));
    for (let i = 0; i < e.length; i++) assert.ok(Math.abs(a[i]! - e[i]!) <= 1e-4 * scale, `${what}[${i}]: tfjs ${a[i]} vs ingraph ${e[i]}`);
  };
  close(theirs('LSTM1/kernel'), ours.kernel, 'kernel');
  close(theirs('LSTM1/recurrent_kernel'), ours.recurrentKernel, 'recurrent kernel');
  close(theirs('LSTM1/bias'), ours.bias.map((v) => v / 2), 'bias'); // each ONNX half gets the bias gradient
  close(theirs('Dense1/kernel'), g('fc.weight'), 'dense kernel');
  close(theirs('Dense1/bias'), g('fc.bias'), 'dense bias');
  model.dispose();
  tf.dispose([xb, yb, ...Object.values(grads)]);
});

test('TensorFlow.js follows ingraph\'s Adam trajectory once its single LSTM bias is stepped like two halves', async () => {
  await tf.setBackend('cpu');
  const d = workloadData(w);
  const order = batchOrder(w, d.trainRows).flat();
  const testMse = (paired: boolean) => {
    const model = buildModel(w, initialWeights(w));
    trainSteps(model, w, d, order, paired);
    const r = mse(predict(model, d.testX, d.testRows, w.window), d.testY);
    model.dispose();
    return r;
  };
  const ours = (await tutorialLoop(w, 2, DEFAULT_CHOICE)).testMse;
  const paired = testMse(true), stock = testMse(false);
  assert.ok(Math.abs(paired - ours) / ours < 1e-4, `paired-bias tfjs ${paired} vs ingraph ${ours}`);
  assert.ok(Math.abs(stock - ours) / ours > 1e-3, `stock tfjs ${stock} differs a little from ingraph ${ours} at lr 1e-2`);
});
