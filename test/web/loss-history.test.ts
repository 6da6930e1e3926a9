import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogLine } from '../../web/src/artifacts.ts';
import { fineTunedName, lossView, nextRunStart, progressText, type LiveRun } from '../../web/src/loss-history.ts';

const log = (n: number): LogLine[] => Array.from({ length: n }, (_, i) => ({ epoch: i + 1, train_loss: 1 / (i + 1), ...(i % 2 ? { test_loss: 1 / i } : {}) }));
const run = (from: number, planned: number, done: number): LiveRun => ({
  from,
  planned,
  epochs: Array.from({ length: done }, (_, i) => ({ epoch: i + 1, trainLoss: 0.1, testLoss: 0.2, seconds: 0.5 })),
});

test('fine-tune runs continue the epoch axis after the record and after each other', () => {
  const first = run(nextRunStart(log(200), []), 10, 10);
  assert.equal(first.from, 200);
  const second = run(nextRunStart(log(200), [first]), 5, 3);
  assert.equal(second.from, 210);
  const v = lossView(log(200), [first, second]);
  assert.deepEqual(v.lines.map((l) => l.label), ['train loss', 'test loss', 'fine-tune 1 train', 'fine-tune 1 test', 'fine-tune 2 train', 'fine-tune 2 test']);
  assert.deepEqual(Array.from(v.lines[4]!.x), [211, 212, 213]);
  assert.deepEqual(Array.from(v.lines[1]!.x).slice(0, 2), [2, 4], 'the test curve joins the epochs that have a test loss');
  assert.equal(v.last, 200);
});

test('after a long record the axis zooms so the fine-tunes take half of it; a short record needs no zoom', () => {
  assert.deepEqual(lossView(log(200), [run(200, 20, 3)]).zoom, [180, 220]);
  assert.equal(lossView(log(4), [run(4, 8, 8)]).zoom, null);
  assert.equal(lossView(log(200), []).zoom, null);
  assert.equal(nextRunStart([], []), 0);
});

test('progress says the epoch, the losses, the time per epoch and the time left', () => {
  assert.equal(progressText(run(0, 20, 0)), 'epoch 1/20: starting the worker…');
  assert.equal(progressText(run(0, 20, 4)), 'epoch 4/20: train loss 0.1, test loss 0.2 · 500 ms per epoch · about 8 s left');
  assert.equal(progressText(run(0, 400, 4)), 'epoch 4/400: train loss 0.1, test loss 0.2 · 500 ms per epoch · about 3 min left');
  assert.equal(progressText(run(0, 4, 4)), 'epoch 4/4: train loss 0.1, test loss 0.2 · 500 ms per epoch');
});

test('the fine-tuned file is named apart from its source, once', () => {
  assert.equal(fineTunedName('model.onnx'), 'model.fine-tuned.onnx');
  assert.equal(fineTunedName('model.fine-tuned.onnx'), 'model.fine-tuned.onnx');
  assert.equal(fineTunedName('Net.ONNX'), 'Net.fine-tuned.onnx');
});
