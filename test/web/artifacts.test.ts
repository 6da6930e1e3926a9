// How the page reads the files beside a model: what the trainer writes today, older or hand-edited variants, and
// files that are wrong in ways a user must be told about.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseManifest, parseTrainLog, readSidecars, trainingSettings, trainStepFile } from '../../web/src/artifacts.ts';

// The shape `npm run build-graph` / `npm run train` write (trimmed to the fields the page reads and a few more).
const TRAINER_MANIFEST = {
  format: 'ingraph-manifest',
  version: 1,
  config: { features: 1, outputs: 1, window: 10, hidden: 5, layers: 1, dense: [] },
  parameters: [
    { name: 'lstm.W', dims: [1, 20, 1], offset: 0, size: 20, dtype: 'float32' },
    { name: 'fc.bias', dims: [1], offset: 20, size: 1, dtype: 'float32' },
  ],
  optimizer: { name: 'adam', hyper: { beta1: 0.9 }, state: ['exp_avg', 'exp_avg_sq'] },
  normalization: { mean: 0.5, std: 2 },
  data: { source: 'tutorial', seed: 3, window: 10, horizon: 1, rows: 710, split: { train: [0, 360], test: [360, 710] } },
  files: { model: 'model.onnx', trainStep: 'train_step.onnx' },
};

describe('manifest.json', () => {
  test('keeps config, parameters, data and the top-level normalisation', () => {
    const m = parseManifest(JSON.stringify(TRAINER_MANIFEST));
    assert.equal(m.config?.hidden, 5);
    assert.deepEqual(m.parameters?.map((p) => p.name), ['lstm.W', 'fc.bias']);
    assert.deepEqual(m.data, {
      source: 'tutorial',
      seed: 3,
      window: 10,
      horizon: 1,
      split: { train: [0, 360], test: [360, 710] },
      normalization: { mean: 0.5, std: 2 },
    });
  });

  test('reads normalisation inside data too, and null as none', () => {
    const inside = parseManifest(JSON.stringify({ ...TRAINER_MANIFEST, data: { ...TRAINER_MANIFEST.data, normalization: null } }));
    assert.equal(inside.data?.normalization, null);
  });

  test('drops fields of the wrong type instead of failing', () => {
    const m = parseManifest(
      JSON.stringify({ format: 'ingraph-manifest', parameters: [{ name: 1 }], data: { window: 'ten', split: { train: [0], test: [1, 2] }, normalization: { mean: 0, std: 0 } } }),
    );
    assert.equal(m.parameters, undefined);
    assert.deepEqual(m.data, {});
  });

  test('says what is wrong with a file that is not a manifest', () => {
    assert.throws(() => parseManifest('{', 'manifest.json'), /^Error: manifest\.json: not JSON/);
    assert.throws(() => parseManifest('{"format":"other"}'), /not an ingraph manifest/);
  });

  test('names the train step file only as a plain name beside the model', () => {
    assert.equal(trainStepFile(parseManifest(JSON.stringify(TRAINER_MANIFEST))), 'train_step.onnx');
    for (const bad of ['../train_step.onnx', '/etc/passwd', '.hidden.onnx', 'a/b.onnx', 'http://x/y.onnx']) {
      const m = parseManifest(JSON.stringify({ ...TRAINER_MANIFEST, files: { trainStep: bad } }));
      assert.equal(trainStepFile(m), 'train_step.onnx', bad);
    }
    assert.equal(trainStepFile(null), 'train_step.onnx');
  });
});

describe('train-log.jsonl', () => {
  test('reads epochs with and without a test loss, skipping blank lines', () => {
    const log = parseTrainLog('{"epoch":1,"train_loss":0.4,"test_loss":null,"seconds":0.1}\n\n{"epoch":2,"train_loss":0.2,"test_loss":0.3,"seconds":0.2}\n');
    assert.deepEqual(log, [
      { epoch: 1, train_loss: 0.4, seconds: 0.1 },
      { epoch: 2, train_loss: 0.2, test_loss: 0.3, seconds: 0.2 },
    ]);
  });

  test('names the bad line', () => {
    assert.throws(() => parseTrainLog('{"epoch":1,"train_loss":0.4}\nnot json\n'), /^Error: train-log\.jsonl line 2: not JSON$/);
    assert.throws(() => parseTrainLog('{"epoch":"1","train_loss":0.4}\n'), /line 1: needs numeric "epoch" and "train_loss"/);
  });
});

describe('sidecars', () => {
  test('missing files are null, broken ones are reported and the rest still read', async () => {
    const files: Record<string, string> = { 'metrics.json': '[1]', 'train-log.jsonl': '{"epoch":1,"train_loss":0.5}' };
    const s = await readSidecars(async (name) => files[name] ?? null);
    assert.equal(s.manifest, null);
    assert.equal(s.metrics, null);
    assert.equal(s.log?.length, 1);
    assert.deepEqual(s.problems, ['metrics.json: expected a JSON object']);
  });

  test('the fine-tune starts from the learning rate and batch size of the run that trained the model', async () => {
    const files: Record<string, string> = {
      'manifest.json': JSON.stringify({ ...TRAINER_MANIFEST, optimizer: { lr: 0.5 } }),
      'metrics.json': JSON.stringify({ test_mse: 0.003, settings: { lr: 0.01, batchSize: 32 } }),
    };
    const s = await readSidecars(async (name) => files[name] ?? null);
    assert.deepEqual(trainingSettings(s), { lr: 0.01, batchSize: 32 });
    assert.deepEqual(trainingSettings({ ...s, metrics: null }), { lr: 0.5 });
  });
});
