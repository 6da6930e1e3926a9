// predict against inputs that would make it allocate without bound: a model that fixes a huge batch, a long window
// on a long series, a scalar output. Each gives one clear line (or correct predictions fed a batch at a time).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { windowBatch, windowInputs } from '../../src/data/windows.ts';
import { Graph } from '../../src/graph/graph.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Shape } from '../../src/graph/value.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { modelProto } from '../../src/onnx/serialize.ts';
import { predictSeries } from '../../src/train/predict.ts';
import { MAX_RUN_VALUES } from '../../src/train/run-bound.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-predict-bounds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A forecaster-shaped model: x [input shape] -> mean over the window (or over everything, for a scalar). */
function writeModel(name: string, input: Shape, scalar = false): string {
  const g = new Graph('m');
  const o = new Ops(g);
  const x = g.input('x', 'float32', input);
  g.output(o.reduceMean(x, scalar ? null : [1, 2], false), 'y');
  const path = join(dir, name);
  writeFileSync(path, encodeModel(modelProto(g)));
  return path;
}

const csv = (() => {
  const path = join(dir, 'series.csv');
  writeFileSync(path, `value\n${Array.from({ length: 100 }, (_, i) => Math.sin(i / 5).toFixed(4)).join('\n')}\n`);
  return path;
})();

function predictCli(model: string, ...extra: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'predict', '--model', model, '--data', csv, '--column', 'value', ...extra], { encoding: 'utf8' });
}

for (const batch of [2e7, 1e12]) {
  test(`a model that fixes a batch of ${batch} is refused in one line before anything is allocated`, () => {
    const r = predictCli(writeModel(`batch-${batch}.onnx`, [batch, 10, 1]));
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^error: .*batch-${batch}\\.onnx: the model's input fixes a batch of ${batch} windows of 10 steps, more than predict feeds in one run \\(${MAX_RUN_VALUES} values\\); export it with a dynamic batch\\n$`));
  });
}

test('a model with a scalar output is refused in one line, not written as an empty column', () => {
  const r = predictCli(writeModel('scalar.onnx', ['batch', 10, 1], true));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^error: .*scalar\.onnx: output "y" has shape \[\] for \d+ windows; predict needs one row per window, \[batch, …\]\n$/);
});

test('a window longer than one run may feed is refused in one line', () => {
  const window = MAX_RUN_VALUES + 1;
  const r = predictCli(writeModel('long-window.onnx', ['batch', window, 1]));
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^error: .*long-window\\.onnx: a window of ${window} steps is more than predict feeds in one run \\(${MAX_RUN_VALUES} values\\)\\n$`));
});

test('windows fed a few at a time give the same predictions as one batch, the last batch short', async () => {
  const model = writeModel('dynamic.onnx', ['batch', 'window', 1]);
  const series = Float64Array.from({ length: 50 }, (_, i) => Math.cos(i / 4));
  const one = await predictSeries(model, series, { window: 6, batch: 1000 });
  const sevens = await predictSeries(model, series, { window: 6, batch: 7 });
  assert.equal(one.count, 45);
  assert.deepEqual({ ...sevens, predictions: null }, { ...one, predictions: null });
  // ONNX Runtime may sum a batch of 7 in another order than one of 45: equal to float32 rounding.
  one.predictions.forEach((p, i) => assert.ok(Math.abs(sevens.predictions[i]! - p) < 1e-6, `window ${i}`));
  // Each prediction is its window's mean: the batching kept windows and rows aligned.
  const w = windowInputs(series, 6);
  for (let i = 0; i < w.count; i++) {
    const mean = w.x.subarray(i * 6, (i + 1) * 6).reduce((a, b) => a + b, 0) / 6;
    assert.ok(Math.abs(one.predictions[i]! - mean) < 1e-6, `window ${i}`);
  }
});

test('windowBatch is a slice of windowInputs, zero-padded to the rows asked for', () => {
  const series = Float64Array.from({ length: 12 }, (_, i) => i + 1);
  const all = windowInputs(series, 4);
  assert.deepEqual(windowBatch(series, 4, 3, 2), all.x.subarray(3 * 4, 5 * 4));
  assert.deepEqual(windowBatch(series, 4, 8, 1, 3), Float32Array.from([9, 10, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0]));
});

test('the predictions CSV is written whole with --out, one row per window', () => {
  const out = join(dir, 'preds.csv');
  const r = predictCli(writeModel('csv.onnx', ['batch', 10, 1]), '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], 'row,target_row,prediction');
  assert.equal(lines.length, 1 + 91);
  assert.match(lines[91]!, /^90,100,-?\d/);
});
