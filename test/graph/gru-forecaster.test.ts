// The builder's GRU cell (`build-graph --cell gru`): the forecaster with ONNX's GRU op trains through the engine, its
// unrolled train step follows the GRU op's, and model.onnx computes what eval_model.onnx computes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { evalGraph } from '../../src/artifacts/training.ts';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { forecasterModel, initParameters, parameterSpecs, type ModelConfig } from '../../src/graph/model.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { CONFIG, examples, runScenario } from '../engine/scenario.ts';

const GRU: ModelConfig = { ...CONFIG, cell: 'gru', layers: 2 };
const create = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });

test('GRU parameters are named gru.* with ONNX GRU shapes (3 gates)', () => {
  const specs = parameterSpecs(GRU);
  assert.deepEqual(specs.slice(0, 6).map((s) => [s.name, s.dims]), [
    ['gru.W', [1, 24, 3]], ['gru.R', [1, 24, 8]], ['gru.B', [1, 48]],
    ['gru.1.W', [1, 24, 8]], ['gru.1.R', [1, 24, 8]], ['gru.1.B', [1, 48]],
  ]);
});

test('a 2-layer GRU forecaster trains through the engine: the loss falls 5x in 30 epochs', async () => {
  const r = await runScenario(ort, create, 30, GRU);
  assert.ok(r.epochLosses.every(Number.isFinite));
  assert.ok(r.epochLosses.at(-1)! < r.epochLosses[0]! / 5, `loss ${r.epochLosses[0]} -> ${r.epochLosses.at(-1)}`);
});

test('the unrolled GRU train step follows the GRU op\'s step by step', async () => {
  const [unrolled, op] = await Promise.all([runScenario(ort, create, 3, GRU, 'unrolled'), runScenario(ort, create, 3, GRU, 'op')]);
  unrolled.firstEpochK1.forEach((l, i) => assert.ok(Math.abs(l - op.firstEpochK1[i]!) <= 1e-5 * Math.max(1, Math.abs(l)), `step ${i}: ${l} vs ${op.firstEpochK1[i]}`));
  unrolled.params.forEach((p, i) => assert.ok(Math.abs(p - op.params[i]!) <= 1e-4, `param ${i}: ${p} vs ${op.params[i]}`));
});

test('model.onnx with the GRU op computes eval_model.onnx\'s forecasts', async () => {
  const m = forecasterModel(GRU);
  const params = initParameters(GRU, 1);
  const ex = examples();
  const x = new ort.Tensor('float32', ex.x, [ex.count, GRU.window, GRU.features]);
  const model = await create(serializeModel(inferenceGraph(m, params)));
  const evalModel = await create(serializeModel(evalGraph(m)));
  const feeds: Record<string, ort.Tensor> = { x, target: new ort.Tensor('float32', ex.y, [ex.count, 2]) };
  for (const [name, t] of params) feeds[name] = new ort.Tensor('float32', t.data as Float32Array, [...t.dims]);
  const a = (await model.run({ x })).y!.data as Float32Array;
  const b = (await evalModel.run(feeds)).y!.data as Float32Array;
  assert.equal(a.length, ex.count * 2);
  a.forEach((v, i) => assert.equal(v, b[i]));
});
