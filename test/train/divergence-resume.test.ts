// A diverged run never passes for success, and --resume refuses data other than the checkpoint's.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeCheckpoint } from '../../src/artifacts/checkpoint.ts';
import { DataError } from '../../src/data/errors.ts';
import { tempDirs } from '../helpers/tmp.ts';
import { train, TrainError } from '../../src/train/trainer.ts';

const tmp = tempDirs('ingraph-diverge');

const checkpointFinite = (out: string) => {
  const ck = decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.ckpt'))));
  for (const [name, t] of ck.tensors) assert.ok(t.every(Number.isFinite), `checkpoint tensor ${name} is finite`);
  return ck;
};

test('one epoch whose only update diverges is an error, not a saved success', async () => {
  const out = tmp();
  await assert.rejects(train({ out, lr: 1e38, epochs: 1, batchSize: 1000 }), (e: unknown) => {
    assert.ok(e instanceof TrainError);
    assert.match(e.message, /^the parameters became non-finite at epoch 1, step 1; training stopped, the last good checkpoint \(epoch 0\) is .*checkpoint\.ckpt \(try a lower --lr\)$/);
    return true;
  });
  assert.equal(checkpointFinite(out).epoch, 0);
  assert.ok(!existsSync(join(out, 'metrics.json')), 'no metrics for a failed run');
});

test('with one step per run the last good checkpoint holds finite parameters', async () => {
  const out = tmp();
  await assert.rejects(train({ out, lr: 1e38, epochs: 3, stepsPerRun: 1 }), TrainError);
  const ck = checkpointFinite(out);
  assert.equal(ck.step, 0);
});

test('a CSV value beyond float32 is refused at load, by its position', async () => {
  const out = tmp();
  const csv = join(out, 'big.csv');
  writeFileSync(csv, ['v', ...Array.from({ length: 40 }, (_, i) => (i === 17 ? '1e300' : String(Math.sin(i))))].join('\n'));
  await assert.rejects(train({ out, data: { file: csv }, epochs: 1 }), (e: unknown) => e instanceof DataError && /value 1e\+300 \(value 18 of the series\) is outside float32's range/.test((e as Error).message));
});

test('--resume refuses a CSV that changed since the checkpoint, unless told to fine-tune on it; the preprocessing constants stay', async () => {
  const out = tmp();
  const csv = join(out, 'series.csv');
  const write = (scale: number, n: number) => writeFileSync(csv, ['v', ...Array.from({ length: n }, (_, i) => String(scale * Math.sin(i / 5)))].join('\n'));
  write(1, 120);
  await train({ out, data: { file: csv }, epochs: 2, normalize: true, window: 5 });
  const before = decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.ckpt'))));
  write(1000, 90);
  await assert.rejects(train({ out, data: { file: csv }, epochs: 4, resume: true }), (e: unknown) => {
    assert.ok(e instanceof TrainError);
    assert.match(e.message, /^--resume: .*series\.csv has changed since the checkpoint \(120 values then, 90 now; contents differ\); add --allow-new-data to fine-tune on it$/);
    return true;
  });
  const r = await train({ out, data: { file: csv }, epochs: 4, resume: true, allowNewData: true });
  assert.equal(r.metrics.epochs, 4);
  const after = decodeCheckpoint(new Uint8Array(readFileSync(join(out, 'checkpoint.ckpt'))));
  assert.ok(before.extra.preprocess, 'the default preset scales inside the graph');
  assert.deepEqual(after.extra.preprocess, before.extra.preprocess, 'the preprocessing constants are the checkpoint\'s, not refitted');
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.preprocess, before.extra.preprocess);
});
