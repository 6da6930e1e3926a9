// The commands end to end, as a user runs them: build-graph, train, predict, --help, and one-line errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });

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
  const lines = readFileSync(preds, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'row,target_row,prediction');
  assert.equal(lines.length, 1 + 711); // 720 points, window 10: windows 0..710
  assert.match(lines[1]!, /^0,10,-?\d/);
});

test('train then predict: the trained model.onnx keeps its interface', () => {
  const out = join(dir, 'trained');
  const t = cli('train', '--out', out, '--epochs', '3', '--quiet');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /done: 3 epochs, 36 steps/);
  const p = cli('predict', '--model', join(out, 'model.onnx'));
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 712);
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
