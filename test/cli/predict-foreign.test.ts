// predict on models this project did not write: PyTorch's own exports of an LSTM forecaster (legacy exporter,
// opset 17, batch-first data through Transposes and the last step taken with Gather; dynamo exporter, opset 18,
// IR 10, weights in model.onnx.data), and one shaped as the dynamo exporter writes it when the batch is not made
// dynamic (opset 20, IR 9, a fixed batch of 1). Predictions must equal the float64 reference forecaster to 1e-5.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tutorialSeries } from '../../src/data/series.ts';
import { windowInputs } from '../../src/data/windows.ts';
import { lstmParamShapes } from '../../src/graph/layers/lstm.ts';
import { forecasterModel, initParameters, TUTORIAL_MODEL, type ModelConfig } from '../../src/graph/model.ts';
import { loadModelFile } from '../../src/node/onnx-file.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { modelProto } from '../../src/onnx/serialize.ts';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { externalize } from '../hardening/fixtures/models.ts';
import { forecasterForward } from '../helpers/reference.ts';
import { EXPORTERS, fixturePath, type Exporter } from '../helpers/torch-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-foreign-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const c = TUTORIAL_MODEL;
const params = initParameters(c, 5);
const series = tutorialSeries(0);
const reference = (() => {
  const w = windowInputs(series, c.window);
  return forecasterForward(c, params, w.x, w.count);
})();

function predict(model: string): number[] {
  const out = join(dir, 'preds.csv');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'predict', '--model', model, '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
}

function assertMatchesReference(preds: number[]): void {
  assert.equal(preds.length, reference.length);
  preds.forEach((p, i) => assert.ok(Math.abs(p - reference[i]!) <= 1e-5, `window ${i}: ${p} vs ${reference[i]}`));
}

/** A real PyTorch export of the forecaster's architecture (nn.LSTM -> last step -> ReLU -> nn.Linear, hidden 6,
 *  window 8: test/fixtures/torch), with its reference: the float64 forecaster on the export's own weights. */
function exported(exporter: Exporter): { path: string; reference: number[] } {
  const path = fixturePath('lstm', exporter);
  const config: ModelConfig = { features: 1, window: 8, hidden: 6, layers: 1, outputs: 1, dense: [] };
  // The export names the LSTM's weights after itself (onnx::LSTM_110, val_43): find them by their dims.
  const weights = loadModelFile(path).tensors;
  const byDims = (dims: number[]) => [...weights.values()].find((t) => t.dims.join() === dims.join())!;
  const shapes = lstmParamShapes(1, 6);
  const p = new Map([
    ['lstm.W', byDims(shapes.W)], ['lstm.R', byDims(shapes.R)], ['lstm.B', byDims(shapes.B)], ['fc.weight', weights.get('fc.weight')!], ['fc.bias', weights.get('fc.bias')!],
  ]);
  const w = windowInputs(series, config.window);
  return { path, reference: Array.from(forecasterForward(config, p, w.x, w.count)) };
}

for (const exporter of EXPORTERS) {
  test(`PyTorch's ${exporter} export of an LSTM forecaster predicts every window${exporter === 'dynamo' ? ' (weights in lstm.dynamo.onnx.data)' : ''}`, () => {
    const { path, reference: ref } = exported(exporter);
    const preds = predict(path);
    assert.equal(preds.length, ref.length);
    preds.forEach((v, i) => assert.ok(Math.abs(v - ref[i]!) <= 1e-5, `window ${i}: ${v} vs ${ref[i]}`));
  });
}

test('a dynamo-exporter-style model (opset 20, IR 9, fixed batch 1, weights in model.onnx.data) predicts every window', () => {
  const proto = modelProto(inferenceGraph(forecasterModel(c), params));
  proto.opsetImport = [{ domain: '', version: 20 }];
  proto.irVersion = 9;
  proto.graph!.input![0]!.type!.tensorType!.shape!.dim![0] = { dimValue: 1 };
  proto.graph!.output![0]!.type!.tensorType!.shape!.dim![0] = { dimValue: 1 };
  const sub = mkdtempSync(join(dir, 'dynamo-'));
  writeFileSync(join(sub, 'model.onnx.data'), externalize(proto, params.keys()));
  writeFileSync(join(sub, 'model.onnx'), encodeModel(proto));
  assertMatchesReference(predict(join(sub, 'model.onnx')));
});
