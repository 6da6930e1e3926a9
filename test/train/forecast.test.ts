// Forecasting as a user runs it: several columns in, several steps out (build-graph -> train -> predict), what
// build-graph built kept by train or a contradiction refused, preprocessing inside model.onnx (raw values in and
// out, equal to a float64 reference), early stopping that keeps the best epoch, and the learning-rate schedules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { forecastWindows } from '../../src/data/windows.ts';
import { forecasterModel, initParameters, type ModelConfig } from '../../src/graph/model.ts';
import { withPreprocess, type Preprocess } from '../../src/graph/preprocess.ts';
import { loadModelFile } from '../../src/node/onnx-file.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { LearningRate } from '../../src/train/lr-schedule.ts';
import { train } from '../../src/train/trainer.ts';
import { forecasterForward } from '../helpers/reference.ts';
import { tempDirs } from '../helpers/tmp.ts';

const tmp = tempDirs('ingraph-forecast');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });

/** A trending, seasonal column a and a second column b, with a date column the reader skips. */
function writeTable(dir: string, n = 160): { file: string; a: Float64Array; b: Float64Array } {
  const a = Float64Array.from({ length: n }, (_, i) => 100 + 0.5 * i + 3 * Math.sin(i / 3));
  const b = Float64Array.from({ length: n }, (_, i) => 10 * Math.cos(i / 3));
  const file = join(dir, 'table.csv');
  const day = (i: number) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
  writeFileSync(file, ['date,a,b', ...Array.from({ length: n }, (_, i) => `${day(i)},${a[i]},${b[i]}`)].join('\n'));
  return { file, a, b };
}

/** model.onnx run on raw windows: [rows, outputs]. */
async function runModel(path: string, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(path);
  try {
    return (await s.run({ x: new ort.Tensor('float32', x, dims) })).y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

test('two columns in, three steps out: build-graph -> train -> predict; model.onnx on raw values scores what the trainer reported', async () => {
  const out = tmp();
  const { file, a, b } = writeTable(out);
  const g = cli('build-graph', '--features', '2', '--horizon', '3', '--hidden', '6', '--window', '8', '--out', out);
  assert.equal(g.status, 0, g.stderr);
  const t = cli('train', '--data', file, '--columns', 'a,b', '--target', 'a', '--epochs', '6', '--out', out, '--quiet');
  assert.equal(t.status, 0, t.stderr);
  const last = t.stdout.trim().split('\n').at(-1)!;
  assert.match(last, /^test: (MASE [\d.]+: )?(\d+% )?(better than|worse than|level with) (seasonal )?naive \(MAE [\d.e+-]+ vs [\d.e+-]+\)/);

  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.config, { features: 2, window: 8, hidden: 6, layers: 1, outputs: 3, dense: [] }, 'build-graph\'s settings kept');
  assert.deepEqual([manifest.data.columns, manifest.data.target, manifest.data.horizon], [['a', 'b'], 'a', 3]);
  assert.equal(manifest.preprocess.local, 'last');
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.equal(metrics.test.horizon, 3);
  assert.equal(metrics.test.season, 7, 'daily dates: a weekly season');
  for (const k of ['mse', 'rmse', 'mae', 'smape', 'mase']) for (const who of ['model', 'naive', 'seasonalNaive']) assert.equal(typeof metrics.test[who][k], 'number', `${who}.${k}`);
  assert.equal(last, `test: ${metrics.test.verdict}`);
  assert.match(readFileSync(join(out, 'forecast.svg'), 'utf8'), /^<svg[^>]*>\n<title>a: test forecasts/);
  assert.match(readFileSync(join(out, 'loss.svg'), 'utf8'), /^<svg[^>]*>\n<title>Loss by epoch/);

  // The test rows' windows in raw values, straight from the columns: model.onnx's MSE is the reported one.
  const ex = forecastWindows([a, b], a, { window: 8, horizon: 3 });
  const [t0, t1] = manifest.data.split.test as [number, number];
  const n = t1 - t0;
  const y = await runModel(join(out, 'model.onnx'), ex.x.subarray(t0 * 16, t1 * 16), [n, 8, 2]);
  let se = 0;
  for (let i = 0; i < n * 3; i++) se += (y[i]! - ex.y[t0 * 3 + i]!) ** 2;
  assert.ok(Math.abs(se / (n * 3) - metrics.test_mse) <= 1e-6 * metrics.test_mse, `${se / (n * 3)} vs ${metrics.test_mse}`);

  const p = cli('predict', '--model', join(out, 'model.onnx'), '--data', file, '--columns', 'a,b');
  assert.equal(p.status, 0, p.stderr);
  const lines = p.stdout.trim().split('\n');
  assert.equal(lines[0], 'row,target_row,prediction_1,prediction_2,prediction_3');
  assert.equal(lines.length - 1, a.length - 8 + 1, 'one row per window, the last one included');
  const row = lines[1 + t0]!.split(',').map(Number);
  assert.equal(row.length, 5);
  row.slice(2).forEach((v, h) => assert.ok(Math.abs(v - y[h]!) <= 1e-5 * Math.abs(y[h]!), `step ${h + 1}: ${v} vs ${y[h]}`));
});

test('--local window: trains through the per-window statistics, and model.onnx scores what the trainer reported', async () => {
  const out = tmp();
  const { file, a, b } = writeTable(out);
  const t = cli('train', '--data', file, '--columns', 'a,b', '--target', 'a', '--local', 'window', '--window', '8', '--hidden', '6', '--epochs', '8', '--out', out, '--quiet');
  assert.equal(t.status, 0, t.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.preprocess.local, 'window');
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  assert.ok(Number.isFinite(metrics.test_mse) && metrics.train_loss < JSON.parse(readFileSync(join(out, 'train-log.jsonl'), 'utf8').split('\n')[0]!).train_loss, 'the loss fell');
  const ex = forecastWindows([a, b], a, { window: 8, horizon: 1 });
  const [t0, t1] = manifest.data.split.test as [number, number];
  const y = await runModel(join(out, 'model.onnx'), ex.x.subarray(t0 * 16, t1 * 16), [t1 - t0, 8, 2]);
  let se = 0;
  for (let i = 0; i < t1 - t0; i++) se += (y[i]! - ex.y[t0 + i]!) ** 2;
  assert.ok(Math.abs(se / (t1 - t0) - metrics.test_mse) <= 1e-6 * metrics.test_mse, `${se / (t1 - t0)} vs ${metrics.test_mse}`);
  // The forecast is in the target's window units: the target must be one of the inputs.
  const r = cli('train', '--data', file, '--columns', 'b', '--target', 'a', '--local', 'window', '--epochs', '1', '--out', join(out, 'other'));
  assert.equal(r.status, 1);
  assert.match(r.stderr.trim(), /^error: local "window" forecasts in units of the target's window, but the target a is not among the input columns: add it to --columns, or use --local none$/);
});

test('train keeps what build-graph built, and refuses a contradiction in one line', () => {
  const out = tmp();
  const { file } = writeTable(out);
  assert.equal(cli('build-graph', '--hidden', '7', '--window', '12', '--cell', 'gru', '--out', out).status, 0);
  const t = cli('train', '--data', file, '--column', 'a', '--epochs', '2', '--out', out, '--quiet');
  assert.equal(t.status, 0, t.stderr);
  const c = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).config;
  assert.deepEqual([c.hidden, c.window, c.cell], [7, 12, 'gru']);

  const other = tmp();
  assert.equal(cli('build-graph', '--hidden', '7', '--features', '3', '--out', other).status, 0);
  for (const [args, msg] of [
    [['--column', 'a', '--hidden', '9'], /built \(build-graph\) with hidden 7, not 9/],
    [['--column', 'a'], /built \(build-graph\) for 3 features per step, but the data has 1 input column \(a\)/],
  ] as const) {
    const r = cli('train', '--data', file, ...args, '--epochs', '1', '--out', other);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('preprocessing is part of model.onnx: raw values in, raw values out, as the float64 reference computes them', async () => {
  const c: ModelConfig = { features: 2, window: 5, hidden: 4, layers: 1, outputs: 2, dense: [] };
  const params = initParameters(c, 3);
  const rows = 6;
  const x = Float32Array.from({ length: rows * 5 * 2 }, (_, i) => 50 + 20 * Math.sin(i * 0.7) + (i % 2) * 300);
  for (const p of [
    { local: 'last', center: [0, 0], scale: [2, 30], target: { index: 1, center: 0, scale: 30 } },
    { local: 'none', center: [50, 350], scale: [14, 15], target: { index: 0, center: 50, scale: 14 } },
    // A flat window too (row 0 of column 1 below): its spread is the floor, scale/1000, not zero.
    { local: 'window', center: [0, 0], scale: [14, 2000], target: { index: 1, center: 0, scale: 15 } },
  ] satisfies Preprocess[]) {
    const path = join(tmp(), 'model.onnx');
    writeFileSync(path, serializeModel(inferenceGraph(withPreprocess(forecasterModel(c), p), params)));
    const input = Float32Array.from(x);
    if (p.local === 'window') for (let t = 0; t < 5; t++) input[t * 2 + 1] = 7;
    const got = await runModel(path, input, [rows, 5, 2]);
    // The reference: each window made local and scaled by hand, the plain network, then the output put back.
    // Window statistics per row and column: mean, and spread = sqrt(variance + (scale/1000)²).
    const stat = (r: number, f: number) => {
      const v = [0, 1, 2, 3, 4].map((t) => input[r * 10 + t * 2 + f]!);
      const mean = v.reduce((a, b) => a + b, 0) / 5;
      return { mean, spread: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / 5 + (p.scale[f]! / 1000) ** 2) };
    };
    const pre = Float64Array.from(input, (v, i) => {
      const r = Math.floor(i / 10), f = i % 2;
      if (p.local === 'window') return (v - stat(r, f).mean) / stat(r, f).spread;
      return (v - (p.local === 'last' ? input[r * 10 + 8 + f]! : p.center[f]!)) / p.scale[f]!;
    });
    const net = forecasterForward(c, params, pre, rows);
    for (let r = 0; r < rows; r++) {
      const t = p.target.index!;
      const base = p.local === 'last' ? input[r * 10 + 8 + t]! : p.local === 'window' ? stat(r, t).mean : p.target.center;
      const scale = p.local === 'window' ? stat(r, t).spread : p.target.scale;
      for (let h = 0; h < 2; h++) {
        const want = net[r * 2 + h]! * scale + base;
        assert.ok(Math.abs(got[r * 2 + h]! - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${p.local} row ${r} step ${h}: ${got[r * 2 + h]} vs ${want}`);
      }
    }
    // The constants are frozen values of the model: initializers of model.onnx, by name.
    const tensors = loadModelFile(path).tensors;
    assert.deepEqual(tensors.get('pre.scale')!.data, Float32Array.from(p.scale));
    // ('window' scales the output by the target's own window, so it reads no post.* constant.)
    if (p.local !== 'window') assert.deepEqual(tensors.get('post.scale')!.data, Float32Array.of(p.target.scale));
  }
});

test('early stopping: training stops patience epochs after the best validation loss, and model.onnx holds that epoch', async () => {
  const out = tmp();
  const { file } = writeTable(out, 200);
  // A high learning rate with no schedule: the validation loss stops improving early.
  const r = await train({ out, data: { file, column: 'a' }, window: 8, hidden: 8, epochs: 300, lr: 0.05, lrSchedule: 'constant', patience: 6, evalEvery: 1 });
  const log = readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; val_loss: number });
  assert.ok(r.metrics.stopped_early, `ran all ${r.metrics.epochs} epochs`);
  let best = 0;
  log.forEach((l, i) => {
    if (l.val_loss < log[best]!.val_loss) best = i;
  });
  assert.equal(r.metrics.best_epoch, log[best]!.epoch, 'the kept epoch has the lowest validation loss in the log');
  assert.equal(r.metrics.epochs, r.metrics.best_epoch + 6, 'stopped patience epochs after it');
  assert.equal(log.length, r.metrics.epochs);
  assert.ok(Math.abs(r.metrics.val_mse! - log[best]!.val_loss) <= 1e-9 * log[best]!.val_loss, 'metrics.json\'s validation MSE is the kept epoch\'s');
  const onnx = loadModelFile(join(out, 'model.onnx')).tensors;
  for (const [name, v] of r.params) assert.deepEqual(onnx.get(name)!.data, v, `${name}: model.onnx holds the kept parameters`);
});

test('learning-rate schedules: cosine anneals to zero over the epochs; plateau halves after waiting, down to a floor', () => {
  const cos = new LearningRate('cosine', 0.1, 100, 10);
  assert.equal(cos.at(0), 0.1);
  assert.ok(Math.abs(cos.at(50) - 0.05) < 1e-12);
  assert.ok(cos.at(100) < 1e-12);
  const plateau = new LearningRate('plateau', 0.1, 100, 10);
  plateau.observe(5, true);
  plateau.observe(14, false);
  assert.equal(plateau.at(14), 0.1, 'not yet: 9 epochs since the last improvement');
  plateau.observe(15, false);
  assert.equal(plateau.at(15), 0.05);
  for (let e = 25; e <= 200; e += 10) plateau.observe(e, false);
  assert.equal(plateau.at(200), 0.001, 'never below a hundredth of the base rate');
  const constant = new LearningRate('constant', 0.1, 100, 10);
  constant.observe(50, false);
  assert.equal(constant.at(99), 0.1);
});
