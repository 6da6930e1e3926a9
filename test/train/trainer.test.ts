// The trainer as a library: determinism, bit-exact resume, the default preset's quality, metrics and log files,
// and the non-finite stop.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeCheckpoint } from '../../src/artifacts/checkpoint.ts';
import { tempDirs } from '../helpers/tmp.ts';
import { train } from '../../src/train/trainer.ts';

const tmp = tempDirs('ingraph-train');

const bytesOf = (m: Map<string, Float32Array>) => Buffer.concat([...m.values()].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));

test('the same seed gives identical weights and losses, run after run', async () => {
  const a = await train({ out: tmp(), epochs: 5 });
  const b = await train({ out: tmp(), epochs: 5 });
  assert.ok(bytesOf(a.params).equals(bytesOf(b.params)));
  assert.equal(a.metrics.train_loss, b.metrics.train_loss);
  const c = await train({ out: tmp(), epochs: 5, seed: 1 });
  assert.ok(!bytesOf(a.params).equals(bytesOf(c.params)), 'another seed gives other weights');
});

test('--resume continues from the checkpoint and ends bit for bit where one uninterrupted run ends', async () => {
  const whole = await train({ out: tmp(), epochs: 8 });
  const out = tmp();
  await train({ out, epochs: 3 });
  const ck = decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.ckpt'))));
  assert.equal(ck.epoch, 3);
  assert.equal(ck.step, 3 * 10); // 360 rows less 15% for validation: 306, in batches of 32
  const resumed = await train({ out, epochs: 8, resume: true });
  assert.ok(bytesOf(whole.params).equals(bytesOf(resumed.params)));
  const log = readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(log.map((l) => l.epoch), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('a run resumed with no epochs left (its worker killed after the last checkpoint) reports the same metrics', async () => {
  const out = tmp();
  const first = await train({ out, epochs: 4 });
  const again = await train({ out, epochs: 4, resume: true });
  assert.ok(Number.isFinite(first.metrics.train_loss));
  assert.equal(again.metrics.train_loss, first.metrics.train_loss);
  assert.equal(again.metrics.test_mse, first.metrics.test_mse);
  assert.equal(again.metrics.best_epoch, first.metrics.best_epoch);
  assert.ok(bytesOf(first.params).equals(bytesOf(again.params)));
});

test('steps per run (the in-graph loop length) does not change the result', async () => {
  const one = await train({ out: tmp(), epochs: 3, stepsPerRun: 1 });
  const many = await train({ out: tmp(), epochs: 3, stepsPerRun: 100 });
  assert.ok(bytesOf(one.params).equals(bytesOf(many.params)));
});

test('the default preset reaches test MSE ≤ 0.004 on the tutorial series and writes its files', async () => {
  const out = tmp();
  const r = await train({ out });
  assert.ok(r.metrics.test_mse <= 0.004, `test MSE ${r.metrics.test_mse}`);
  for (const f of ['model.onnx', 'metrics.json', 'train-log.jsonl', 'checkpoint.ckpt', 'manifest.json', 'train_step.onnx']) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  for (const k of ['train_loss', 'test_mse', 'epochs', 'steps', 'train_seconds', 'ep']) assert.ok(k in m, k);
  assert.equal(m.ep, 'cpu');
  assert.ok(m.epochs <= 200 && m.best_epoch <= m.epochs);
  const lines = readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, m.epochs);
  assert.ok(lines.every((l) => typeof l.train_loss === 'number' && typeof l.seconds === 'number'));
  // About 100 evaluations over 200 epochs: every other epoch.
  assert.equal(lines.filter((l) => l.test_loss !== null && l.val_loss !== null).length, Math.ceil(m.epochs / 2));
});

test('a non-finite loss stops training naming epoch and step, and keeps a good checkpoint', async () => {
  const out = tmp();
  await assert.rejects(train({ out, epochs: 50, lr: 1e30 }), (e: Error) => {
    assert.match(e.message, /the loss became (NaN|Infinity|-Infinity) at epoch \d+, step \d+/);
    return true;
  });
  const ck = decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.ckpt'))));
  assert.ok([...ck.tensors.get('params')!].every(Number.isFinite));
});

test('an aborted run checkpoints and reports interrupted', async () => {
  const c = new AbortController();
  const out = tmp();
  const r = await train({ out, epochs: 100, signal: c.signal, onEpoch: (e) => e.epoch === 4 && c.abort() });
  assert.equal(r.interrupted, true);
  assert.equal(decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.ckpt')))).epoch, 4);
});

/** MSE of model.onnx (which takes and returns the data's own units) on the tutorial's test split, in float64. */
async function modelTestMse(out: string): Promise<number> {
  const ort = await import('onnxruntime-node');
  const { makeWindows, tutorialSeries } = await import('../../src/data/index.ts');
  const W = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).config.window as number;
  const w = makeWindows(tutorialSeries(0), { window: W });
  const s = await ort.InferenceSession.create(join(out, 'model.onnx'));
  const n = w.count - 360;
  const y = (await s.run({ x: new ort.Tensor('float32', w.x.subarray(360 * W), [n, W, 1]) })).y!.data as Float32Array;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (y[i]! - w.y[360 + i]!) ** 2;
  return sum / n;
}

for (const [what, opts] of [['an L1 loss', { loss: 'l1' as const }], ['a Huber loss', { loss: 'huber' as const }], ['levels standardised inside the graph', { local: 'none' as const }]] as const) {
  test(`test_mse is the MSE of the written model.onnx in the data's units, with ${what}`, async () => {
    const out = tmp();
    const r = await train({ out, epochs: 4, ...opts });
    const want = await modelTestMse(out);
    assert.ok(Math.abs(r.metrics.test_mse - want) <= 1e-6 * want, `${r.metrics.test_mse} vs ${want}`);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.loss, 'loss' in opts ? opts.loss : 'mse');
    assert.equal(manifest.preprocess.local, 'local' in opts ? opts.local : 'last');
    assert.ok(manifest.preprocess.scale[0] > 0);
  });
}

test('--accumulate-grad (the tutorial as written): grad_sum is checkpointed and a resumed run ends bit for bit', async () => {
  const whole = await train({ out: tmp(), epochs: 6, accumulateGrad: true, lr: 1e-3 });
  const out = tmp();
  await train({ out, epochs: 2, accumulateGrad: true, lr: 1e-3 });
  assert.ok(decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.ckpt')))).tensors.has('grad_sum'));
  const resumed = await train({ out, epochs: 6, resume: true });
  assert.ok(bytesOf(whole.params).equals(bytesOf(resumed.params)));
  const plain = await train({ out: tmp(), epochs: 6, lr: 1e-3 });
  assert.ok(!bytesOf(whole.params).equals(bytesOf(plain.params)), 'accumulating changes the run');
});

test('lstmForward picks the train step\'s LSTM form; both forms train to the same weights within float32 noise', async () => {
  const out = tmp();
  const unrolled = await train({ out, epochs: 3 });
  assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).lstm_forward, 'unrolled');
  const op = await train({ out, epochs: 3, lstmForward: 'op' });
  assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).lstm_forward, 'op', 'asking for another form rebuilds');
  for (const [name, a] of unrolled.params) {
    const b = op.params.get(name)!;
    a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= 1e-5, `${name}[${i}]: ${x} vs ${b[i]}`));
  }
  await train({ out, epochs: 1 });
  assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).lstm_forward, 'op', 'without the option the built form stands');
});
