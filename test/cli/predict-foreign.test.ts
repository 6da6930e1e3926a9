// predict on models this project did not write: shaped the way PyTorch's two exporters write an LSTM forecaster.
// Legacy torch.onnx.export: opset 17, other input/output names, batch-first data through Transposes and the last
// step taken with Gather. Dynamo exporter: opset 20, IR 9, a fixed batch of 1, weights in model.onnx.data.
// Predictions must equal the float64 reference forecaster to 1e-5.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tutorialSeries } from '../../src/data/series.ts';
import { windowInputs } from '../../src/data/windows.ts';
import { Graph } from '../../src/graph/graph.ts';
import { lstm } from '../../src/graph/layers/lstm.ts';
import { forecasterModel, initParameters, TUTORIAL_MODEL } from '../../src/graph/model.ts';
import { Ops } from '../../src/graph/ops.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { modelProto } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { externalize } from '../hardening/fixtures/models.ts';
import { forecasterForward } from '../helpers/reference.ts';

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

test('a legacy-exporter-style model (opset 17, input "input", Gather for the last step) predicts every window', () => {
  const g = new Graph('torch_jit');
  const o = new Ops(g);
  const x = g.input('input', 'float32', ['batch_size', c.window, 1]);
  const p = (n: string, as: string) => g.initializer(as, params.get(n)!);
  const { Y } = lstm(o, o.transpose(x, [1, 0, 2]), { W: p('lstm.W', 'onnx::LSTM_87'), R: p('lstm.R', 'onnx::LSTM_88'), B: p('lstm.B', 'onnx::LSTM_89') }, c.hidden);
  const batchFirst = o.transpose(o.squeeze(Y, [1]), [1, 0, 2]); // [B, T, H], as output[:, -1, :] sees it
  const last = o.gather(batchFirst, g.constant(Tensor.int64([], [-1])), 1);
  g.output(o.gemm(o.relu(last), p('fc.weight', 'fc1.weight'), p('fc.bias', 'fc1.bias'), { transB: true }, 'output'));
  const proto = modelProto(g);
  proto.opsetImport = [{ domain: '', version: 17 }];
  proto.producerName = 'pytorch';
  const path = join(dir, 'legacy.onnx');
  writeFileSync(path, encodeModel(proto));
  assertMatchesReference(predict(path));
});

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
