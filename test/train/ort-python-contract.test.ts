// The artifacts of an imported model, driven by another ONNX Runtime build through the documented contract alone:
// Python's onnxruntime (scripts/agreement/ort_contract.py) steps training_model.onnx + optimizer_model.onnx by the
// names manifest.json gives, and its losses and trained model.onnx's predictions are the numbers our engine gets
// from train_step.onnx on the same batches. Skips where python3 lacks onnxruntime, onnx or numpy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { FILES } from '../../src/artifacts/manifest.ts';
import { specFor, TrainStepEngine } from '../../src/engine/engine.ts';
import { readImportedFolder, writeImportedArtifacts } from '../../src/node/imported-artifacts.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { tempDirs } from '../helpers/tmp.ts';
import { fixturePath, readBatches, type Exporter, type FixtureModel } from '../helpers/torch-fixtures.ts';

const skip = spawnSync('python3', ['-c', 'import onnxruntime, onnx, numpy'], { stdio: 'ignore' }).status === 0 ? false : 'python3 with onnxruntime, onnx and numpy is not installed';
const tmp = tempDirs('ingraph-ort-python');
const batches = readBatches();
const STEPS = 12, LR = 1e-3;
/** Two ONNX Runtime builds (1.29 here, Python's own there) may order float32 sums differently. */
const REL = 1e-5;

const close = (a: number, b: number) => Math.abs(a - b) <= REL * Math.max(Math.abs(b), 1e-3);

for (const [model, exporter] of [['lstm2', 'legacy'], ['gru', 'dynamo'], ['conv1d', 'legacy']] as [FixtureModel, Exporter][]) {
  test(`${model} (${exporter}): Python's onnxruntime on the artifacts gives our engine's numbers`, { skip }, async () => {
    const dir = tmp();
    const opt = makeOptimizer('adam');
    writeImportedArtifacts({ from: fixturePath(model, exporter), out: dir, seed: 0, optimizer: opt, loss: 'mse' });
    const script = join(import.meta.dirname, '..', '..', 'scripts', 'agreement', 'ort_contract.py');
    const py = spawnSync('python3', [script], { input: JSON.stringify({ dir, lr: LR, steps: STEPS, batches: batches.batches }), encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(py.status, 0, py.stderr);
    const theirs = JSON.parse(py.stdout) as { losses: number[]; predictions: number[] };

    const { model: m, params } = readImportedFolder(dir)!;
    const spec = specFor(m, opt.stateNames);
    const session = await ort.InferenceSession.create(join(dir, FILES.trainStep));
    const engine = new TrainStepEngine(ort, session, spec, { params: spec.layout.flatten((e) => params.get(e.name)!.data as Float32Array), rng: 0 });
    const n = batches.batch;
    const ex = {
      x: Float32Array.from(batches.batches.flatMap((b) => b.x)), y: Float32Array.from(batches.batches.flatMap((b) => b.y)),
      count: batches.batches.length * n, window: batches.window, features: 1, outputs: 1,
    };
    const order = Array.from({ length: STEPS }, (_, k) => Int32Array.from({ length: n }, (_, i) => (k % batches.batches.length) * n + i));
    const ours = await engine.run(ex, order, LR);
    ours.forEach((l, k) => assert.ok(close(l, theirs.losses[k]!), `step ${k}: ${l} vs Python ${theirs.losses[k]}`));

    const trained = await ort.InferenceSession.create(serializeModel(inferenceGraph(m, spec.layout.tensors(await engine.params()))));
    const y = (await trained.run({ [m.input.name]: new ort.Tensor('float32', Float32Array.from(batches.batches[0]!.x), [n, batches.window, 1]) }))[m.output.name]!.data as Float32Array;
    y.forEach((v, i) => assert.ok(close(v, theirs.predictions[i]!), `prediction ${i}: ${v} vs Python ${theirs.predictions[i]}`));
    await Promise.all([session.release(), trained.release()]);
  });
}
