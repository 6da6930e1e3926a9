// The train-step engine on onnxruntime-node: a model with 3 input features and 2 outputs learns; its first loss is
// the float64 reference forecaster's MSE on the packed batch; K steps per run equal K runs of one step; a
// non-finite loss or update leaves the state where it was; snapshots restore exactly; predict() is the reference
// forward pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { buildArtifacts } from '../../src/artifacts/build.ts';
import { evalGraph } from '../../src/artifacts/training.ts';
import { Rng } from '../../src/data/rng.ts';
import { gatherRows } from '../../src/data/windows.ts';
import { NonFiniteError, TrainStepEngine, specOf } from '../../src/engine/engine.ts';
import { forecasterModel, initParameters } from '../../src/graph/model.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { forecasterForward } from '../helpers/reference.ts';
import { CONFIG, ROWS, examples, runScenario } from './scenario.ts';

const create = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });

async function engineFor(seed = 0) {
  const init = initParameters(CONFIG, seed);
  const { files, manifest } = buildArtifacts({ model: forecasterModel(CONFIG), params: init, seed, optimizer: makeOptimizer('adam') });
  const session = await create(files[manifest.files.trainStep]!);
  const spec = specOf(manifest);
  const flat = spec.layout.flatten((e) => init.get(e.name)!.data as Float32Array);
  return { engine: new TrainStepEngine(ort, session, spec, { params: flat, rng: 5 }), init, flat, spec, session };
}

test('a model with 3 features and 2 outputs trains through the engine: the loss falls 5x in 30 epochs', async () => {
  const r = await runScenario(ort, create);
  assert.equal(r.epochLosses.length, 30);
  const [first, last] = [r.epochLosses[0]!, r.epochLosses.at(-1)!];
  assert.ok(last < first / 5, `epoch 1 loss ${first}, epoch 30 loss ${last}`);
  assert.ok(r.params.every(Number.isFinite));
  // The first epoch's steps, one session run each, see the same losses as the 6-step run of trainEpochs.
  assert.equal(r.firstEpochK1.length, ROWS / 16);
  const meanK1 = r.firstEpochK1.reduce((a, b) => a + b, 0) / r.firstEpochK1.length;
  assert.ok(Math.abs(meanK1 - first) <= 1e-6 * first, `K=1 mean ${meanK1} vs K=6 ${first}`);
});

test('the first step\'s loss is the float64 forecaster\'s MSE on the rows the engine packed', async () => {
  const { engine, init } = await engineFor();
  const ex = examples();
  const rows = Int32Array.from([5, 17, 2, 90, 33, 64, 71]);
  const [loss] = await engine.run(ex, [rows], 1e-3);
  const x = new Float32Array(rows.length * CONFIG.window * CONFIG.features), y = new Float32Array(rows.length * 2);
  gatherRows(ex, rows, x, y);
  const want = forecasterForward(CONFIG, init, x, rows.length);
  let mse = 0;
  want.forEach((v, i) => (mse += (v - y[i]!) ** 2));
  mse /= want.length;
  assert.ok(Math.abs(loss! - mse) <= 1e-5 * mse, `engine ${loss} vs float64 ${mse}`);
});

test('K steps in one run end exactly where K runs of one step end', async () => {
  const ex = examples();
  const a = await engineFor(), b = await engineFor();
  const batches = a.engine.epochBatches(ROWS, 12);
  b.engine.epochBatches(ROWS, 12);
  const la = await a.engine.run(ex, batches, 1e-2);
  const lb: number[] = [];
  for (const batch of batches) lb.push(...(await b.engine.run(ex, [batch], 1e-2)));
  assert.deepEqual(Array.from(la), lb);
  assert.deepEqual(await a.engine.params(), await b.engine.params());
  assert.deepEqual(await a.engine.state(), await b.engine.state());
  assert.equal(a.engine.step, batches.length);
});

test('a non-finite update throws NonFiniteError and keeps the state from before the run, even on the last step', async () => {
  const { engine, flat } = await engineFor();
  const ex = examples();
  // One huge step: its loss (before the update) is finite; only the parameters afterwards are not.
  await assert.rejects(engine.run(ex, [Int32Array.from({ length: 16 }, (_, i) => i)], 1e38), (e: unknown) => {
    assert.ok(e instanceof NonFiniteError);
    assert.equal(e.where, 'parameters');
    assert.equal(e.step, 1);
    return true;
  });
  assert.deepEqual(await engine.params(), flat);
  assert.equal(engine.step, 0);
  // Two steps: the second one's loss is computed from the diverged parameters.
  await assert.rejects(engine.run(ex, [Int32Array.of(1, 2, 3), Int32Array.of(4, 5, 6)], 1e38), (e: unknown) => e instanceof NonFiniteError && e.step <= 2);
  assert.deepEqual(await engine.params(), flat);
});

test('trainEpochs restores the engine, shuffle stream included, when an epoch goes non-finite', async () => {
  const { engine, flat } = await engineFor();
  const rngBefore = (await engine.state()).rng;
  await assert.rejects(engine.trainEpochs(examples(), [0, ROWS], { epochs: 3, batchSize: 32, lr: 1e38, stepsPerRun: 2 }), (e: unknown) => {
    assert.ok(e instanceof NonFiniteError);
    assert.equal((e as NonFiniteError & { epoch: number }).epoch, 0, 'the first epoch fails');
    return true;
  });
  const s = await engine.state();
  assert.deepEqual(s.params, flat);
  assert.equal(s.rng, rngBefore);
  assert.equal(s.step, 0);
});

test('snapshot and restore return to the same parameters, optimizer state, step and shuffle stream', async () => {
  const { engine } = await engineFor();
  const ex = examples();
  await engine.trainEpochs(ex, [0, ROWS], { epochs: 1, batchSize: 32, lr: 1e-2 });
  const snap = engine.snapshot();
  const before = await engine.state();
  const next = await engine.trainEpochs(ex, [0, ROWS], { epochs: 2, batchSize: 32, lr: 1e-2 });
  engine.restore(snap);
  assert.deepEqual(await engine.state(), before);
  assert.deepEqual(await engine.trainEpochs(ex, [0, ROWS], { epochs: 2, batchSize: 32, lr: 1e-2 }), next);
});

test('predict() gives eval_model\'s forecasts for the current parameters: the float64 forward pass', async () => {
  const { engine, spec } = await engineFor();
  const ex = examples();
  await engine.trainEpochs(ex, [0, ROWS], { epochs: 2, batchSize: 32, lr: 1e-2 });
  const evalSession = await create(serializeModel(evalGraph(forecasterModel(CONFIG))));
  const y = await engine.predict(evalSession, ex, [10, 30]);
  const params = new Map([...spec.layout.unflatten(await engine.params())].map(([n, d]) => [n, new Tensor('float32', spec.layout.entries.find((e) => e.name === n)!.dims, d)]));
  const want = forecasterForward(CONFIG, params, ex.x.subarray(10 * 18, 30 * 18), 20);
  assert.equal(y.length, 40);
  want.forEach((v, i) => assert.ok(Math.abs(y[i]! - v) <= 1e-5 + 1e-5 * Math.abs(v), `y[${i}] ${y[i]} vs ${v}`));
});

test('a session that is not this model\'s train step, or examples of another shape, are refused in one line', async () => {
  const { spec, session } = await engineFor();
  const evalSession = await create(serializeModel(evalGraph(forecasterModel(CONFIG))));
  assert.throws(() => new TrainStepEngine(ort, evalSession, spec, { params: new Float32Array(spec.layout.total), rng: 0 }), /^Error: not a train step for this model and optimizer: it lacks "params", .*\(rebuild the artifacts\)$/);
  assert.throws(() => new TrainStepEngine(ort, session, spec, { params: new Float32Array(3), rng: 0 }), /3 parameter values for a model of \d+/);
  const engine = new TrainStepEngine(ort, session, spec, { params: new Float32Array(spec.layout.total), rng: new Rng(1).state });
  const one = { ...examples(), features: 1, x: new Float32Array(ROWS * 6) };
  await assert.rejects(engine.run(one, [Int32Array.of(0)], 1e-3), /examples of window 6 × 1 features and 2 outputs for a model whose input is \[6, 3\] and output \[2\] per example/);
});
