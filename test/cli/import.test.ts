// Fine-tuning another tool's model from the command line: `build-graph --from` on PyTorch's exports writes the
// artifact set (by the model's own names), `train` fine-tunes it on a CSV with a falling test loss and writes
// model.onnx with the source's input, output and opset, `predict` and `--resume` work on it. Models that cannot be
// trained are refused in one line, with nothing written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { parseManifest } from '../../src/artifacts/manifest.ts';
import { UserError } from '../../src/errors.ts';
import { Graph } from '../../src/graph/graph.ts';
import { Ops } from '../../src/graph/ops.ts';
import { writeImportedArtifacts } from '../../src/node/imported-artifacts.ts';
import { loadModelFile } from '../../src/node/onnx-file.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { onnx } from '../../src/onnx/proto.ts';
import { modelProto } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { tempDirs } from '../helpers/tmp.ts';
import { fixturePath, readBatches, readModule, type Exporter, type FixtureModel } from '../helpers/torch-fixtures.ts';

const tmp = tempDirs('ingraph-import-cli');
const batches = readBatches();

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });
}

/** A noisy sine as a CSV with a header, the column to train on named "value". */
function seriesCsv(dir: string): string {
  const path = join(dir, 'series.csv');
  const rows = Array.from({ length: 400 }, (_, i) => `${i},${(Math.sin((i * 2 * Math.PI) / 20) + 0.1 * Math.sin(i * 12.9898)).toFixed(6)}`);
  writeFileSync(path, `t,value\n${rows.join('\n')}\n`);
  return path;
}

async function outputOn(path: string, xs: number[]): Promise<{ names: [string[], string[]]; y: Float32Array }> {
  const s = await ort.InferenceSession.create(path);
  const r = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(xs), [xs.length / batches.window, batches.window, 1]) });
  const out = { names: [[...s.inputNames], [...s.outputNames]] as [string[], string[]], y: r[s.outputNames[0]!]!.data as Float32Array };
  await s.release();
  return out;
}

const cases: [FixtureModel, Exporter, number][] = [['lstm', 'legacy', 17], ['gru', 'dynamo', 18], ['conv1d', 'dynamo', 18]];
for (const [model, exporter, opset] of cases) {
  test(`build-graph --from ${model}.${exporter}.onnx writes the artifact set by the model's own names`, async () => {
    const out = tmp();
    const r = cli('build-graph', '--from', fixturePath(model, exporter), '--out', out);
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['model.onnx', 'training_model.onnx', 'eval_model.onnx', 'optimizer_model.onnx', 'train_step.onnx', 'manifest.json']) assert.ok(existsSync(join(out, f)), f);
    const m = parseManifest(readFileSync(join(out, 'manifest.json'), 'utf8'), 'manifest.json');
    assert.equal(m.config, null);
    assert.deepEqual([m.input, m.output], [{ name: 'x', dims: ['batch', 8, 1] }, { name: 'y', dims: ['batch', 1] }]);
    const source = loadModelFile(fixturePath(model, exporter));
    const floatWeights = [...source.tensors].filter(([, t]) => t.dtype === 'float32' && t.dims.length >= 1).map(([n]) => n);
    assert.deepEqual(m.parameters.map((p) => p.name), floatWeights);
    assert.ok(m.frozen.every((n) => !floatWeights.includes(n)));
    const written = loadModelFile(join(out, 'model.onnx')).model;
    assert.equal(Number(written.opsetImport![0]!.version), opset);
    const { names, y } = await outputOn(join(out, 'model.onnx'), batches.batches[0]!.x);
    assert.deepEqual(names, [['x'], ['y']]);
    const ref = readModule(model).outputs;
    ref.forEach((v, i) => assert.ok(Math.abs(y[i]! - v) <= 1e-5, `${y[i]} vs ${v}`));
    // training_model's contract: the model's input by name, target, each parameter -> loss, <name>_grad.
    const s = await ort.InferenceSession.create(join(out, 'training_model.onnx'));
    assert.deepEqual(s.inputNames, ['x', 'target', ...m.parameters.map((p) => p.name)]);
    assert.deepEqual(s.outputNames, ['loss', ...m.parameters.map((p) => `${p.name}_grad`)]);
    await s.release();
  });
}

test('train fine-tunes an imported LSTM on a CSV (falling test loss), keeps its names and opset; predict and --resume work', async () => {
  const out = tmp();
  const csv = seriesCsv(out);
  assert.equal(cli('build-graph', '--from', fixturePath('lstm', 'legacy'), '--out', out).status, 0);
  const t = cli('train', '--out', out, '--data', csv, '--column', 'value', '--epochs', '12', '--eval-every', '1', '--quiet');
  assert.equal(t.status, 0, t.stderr);
  const log = readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { test_loss: number });
  assert.ok(log.at(-1)!.test_loss < log[0]!.test_loss / 2, `test loss ${log[0]!.test_loss} -> ${log.at(-1)!.test_loss}`);
  const trained = loadModelFile(join(out, 'model.onnx'));
  assert.equal(Number(trained.model.opsetImport![0]!.version), 17);
  assert.deepEqual([trained.model.graph!.input!.map((v) => v.name), trained.model.graph!.output!.map((v) => v.name)], [['x'], ['y']]);
  assert.ok(trained.tensors.has('onnx::LSTM_110') && trained.tensors.has('fc.weight'));

  const p = cli('predict', '--model', join(out, 'model.onnx'), '--data', csv, '--column', 'value', '--out', join(out, 'preds.csv'));
  assert.equal(p.status, 0, p.stderr);
  assert.equal(readFileSync(join(out, 'preds.csv'), 'utf8').trim().split('\n').length, 1 + (400 - 8 + 1)); // a window at every start

  const metrics = () => JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { epochs: number; steps: number };
  const before = metrics();
  const resumed = cli('train', '--out', out, '--data', csv, '--column', 'value', '--epochs', '14', '--resume', '--quiet');
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(metrics().epochs, 14);
  assert.ok(metrics().steps > before.steps);
  const flags = cli('train', '--out', out, '--data', csv, '--column', 'value', '--hidden', '4');
  assert.notEqual(flags.status, 0);
  assert.match(flags.stderr, /^error: --hidden: .* holds an imported model/);
});

/** Writes a model made with the builder to a file in a fresh folder. */
function modelFile(build: (g: Graph, o: Ops) => void): { path: string; dir: string } {
  const dir = tmp();
  const g = new Graph('bad');
  build(g, new Ops(g));
  const path = join(dir, 'model.onnx');
  writeFileSync(path, encodeModel(modelProto(g)));
  return { path, dir };
}

const weight = (g: Graph, name: string, dims: number[]) => g.initializer(name, Tensor.float(dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => 0.1 * (i + 1))));

function refused(path: string, pattern: RegExp): void {
  const out = join(tmp(), 'out');
  assert.throws(() => writeImportedArtifacts({ from: path, out, seed: 0, optimizer: makeOptimizer('adam'), loss: 'mse' }), (e: Error) => {
    assert.ok(e instanceof UserError, `${e.name}: ${e.message}`);
    assert.ok(!e.message.includes('\n'), e.message);
    assert.match(e.message, pattern);
    return true;
  });
  assert.equal(existsSync(out), false, 'nothing written');
}

test('bad inputs are refused in one line, with nothing written', () => {
  refused(modelFile((g, o) => {
    const x = g.input('x', 'float32', ['batch', 3]);
    g.output(g.add('Softsign', [o.matmul(x, weight(g, 'w', [3, 1]))], {}, { names: ['y'], types: [{ dtype: 'float32', shape: ['batch', 1] }] })[0]!);
  }).path, /node ".*" \(Softsign\) has no gradient rule, and the loss needs it to train "w"/);
  refused(modelFile((g, o) => {
    const x = g.input('x', 'int64', ['batch', 3]);
    g.output(o.matmul(o.cast(x, 'float32'), weight(g, 'w', [3, 1]), 'y'));
  }).path, /no float32 input/);
  refused(modelFile((g, o) => {
    const x = g.input('x', 'float32', ['batch', 3]);
    g.output(o.cast(o.matmul(x, weight(g, 'w', [3, 1])), 'int64'), 'y');
  }).path, /output "y" is int64, not float32/);
  const outside = modelFile((g, o) => {
    const x = g.input('x', 'float32', ['batch', 3]);
    g.output(o.matmul(x, weight(g, 'w', [3, 1]), 'y'));
  });
  const m = loadModelFile(outside.path).model;
  const w = m.graph!.initializer![0]!;
  w.rawData = new Uint8Array(0);
  w.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  w.externalData = [{ key: 'location', value: '../w.bin' }, { key: 'length', value: '12' }];
  writeFileSync(outside.path, encodeModel(m));
  refused(outside.path, /external data location "\.\.\/w\.bin" leaves the model's folder/);
});

test('the command line reports a refusal as one line and exits 1, creating no folder', () => {
  const { path } = modelFile((g, o) => {
    const x = g.input('x', 'float32', ['batch', 3]);
    g.output(o.cast(o.matmul(x, weight(g, 'w', [3, 1])), 'int64'), 'y');
  });
  const out = join(tmp(), 'out');
  const r = cli('build-graph', '--from', path, '--out', out);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^error: .*model\.onnx: output "y" is int64, not float32/);
  assert.equal(existsSync(out), false);
});
