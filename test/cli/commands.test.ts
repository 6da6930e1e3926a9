// The commands end to end, as a user runs them: build-graph, train, predict, --help, and one-line errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tutorialSeries } from '../../src/data/series.ts';
import { windowInputs } from '../../src/data/windows.ts';
import { initParameters, TUTORIAL_MODEL, type ModelConfig } from '../../src/graph/model.ts';
import { loadModelFile } from '../../src/node/onnx-file.ts';
import type { Tensor } from '../../src/onnx/tensor.ts';
import { forecasterForward } from '../helpers/reference.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });

/** predict's CSV against the float64 reference forecaster on every window of the built-in series (seed 0): row i
 *  predicts value i + window, to the 1e-5 that float32 inference keeps (test/graph/inference.test.ts). */
function assertPredicts(csv: string, c: ModelConfig, params: Map<string, Tensor>): void {
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'row,target_row,prediction');
  const series = tutorialSeries(0);
  // Every window, the last one included: its prediction is the value after the series' end.
  assert.equal(lines.length - 1, series.length - c.window + 1, `one row per window of the ${series.length} points`);
  const w = windowInputs(series, c.window);
  const want = forecasterForward(c, params, w.x, w.count);
  lines.slice(1).forEach((line, i) => {
    const [row, target, y] = line.split(',').map(Number);
    assert.deepEqual([row, target], [i, i + c.window], line);
    assert.ok(Math.abs(y! - want[i]!) <= 1e-5, `row ${i}: predict ${y}, reference ${want[i]}`);
  });
}

test('build-graph writes the artifact set, then predict runs model.onnx on every window of the built-in series', () => {
  const out = join(dir, 'models');
  const b = cli('build-graph', '--out', out, '--hidden', '4');
  assert.equal(b.status, 0, b.stderr);
  for (const f of ['model.onnx', 'training_model.onnx', 'eval_model.onnx', 'optimizer_model.onnx', 'train_step.onnx', 'manifest.json']) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.parameters.map((p: { name: string }) => p.name), ['lstm.W', 'lstm.R', 'lstm.B', 'fc.weight', 'fc.bias']);
  assert.deepEqual(manifest.parameters[0].dims, [1, 16, 1]);
  const preds = join(dir, 'preds.csv');
  const p = cli('predict', '--model', join(out, 'model.onnx'), '--out', preds);
  assert.equal(p.status, 0, p.stderr);
  // build-graph's defaults: the tutorial's model with --hidden 4, initialised from seed 0.
  assertPredicts(readFileSync(preds, 'utf8'), { ...TUTORIAL_MODEL, hidden: 4 }, initParameters({ ...TUTORIAL_MODEL, hidden: 4 }, 0));
});

test('train then predict: the trained model.onnx keeps its interface and predicts what its weights compute', () => {
  const out = join(dir, 'trained');
  // No preprocessing and no validation rows: the plain forward pass below is the reference.
  const t = cli('train', '--out', out, '--epochs', '3', '--quiet', '--local', 'none', '--no-normalize', '--val-fraction', '0');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /done: 3 epochs, 36 steps/);
  const p = cli('predict', '--model', join(out, 'model.onnx'));
  assert.equal(p.status, 0, p.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.preprocess, null, 'the reference below feeds the raw series');
  assertPredicts(p.stdout, manifest.config, loadModelFile(join(out, 'model.onnx')).tensors);
});

test('every command has --help; bad flags and files are one line on stderr with exit code 1', () => {
  for (const c of ['build-graph', 'train', 'predict', 'doctor']) {
    const h = cli(c, '--help');
    assert.equal(h.status, 0, c);
    assert.match(h.stdout, /--help/);
  }
  const cases: [string[], RegExp][] = [
    [['train', '--lr', '0'], /--lr must be a number > 0/],
    [['build-graph', '--window', '0'], /--window must be a whole number ≥ 1/],
    [['train', '--nope'], /Unknown argument: nope/],
    [['predict', '--model', join(dir, 'missing.onnx')], /missing\.onnx: no such file/],
  ];
  for (const [args, msg] of cases) {
    const r = cli(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
});
