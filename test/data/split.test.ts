import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chronologicalSplit, seriesSplit } from '../../src/data/split.ts';
import { DataError } from '../../src/data/errors.ts';

test('chronologicalSplit: the tutorial trains on rows [0, 360) and tests on [360, 710)', () => {
  assert.deepEqual(chronologicalSplit(710, { train: 360 }), { train: [0, 360], test: [360, 710] });
});

test('chronologicalSplit: a fraction takes the floor of its share, without float error', () => {
  assert.deepEqual(chronologicalSplit(10, { fraction: 0.7 }), { train: [0, 7], test: [7, 10] });
  assert.deepEqual(chronologicalSplit(100, { fraction: 0.29 }), { train: [0, 29], test: [29, 100] });
  assert.deepEqual(chronologicalSplit(710, { fraction: 1 }), { train: [0, 710], test: [710, 710] });
});

test('chronologicalSplit: all rows may train, leaving an empty test range', () => {
  assert.deepEqual(chronologicalSplit(5, { train: 5 }), { train: [0, 5], test: [5, 5] });
});

test('chronologicalSplit rejects bad specs', () => {
  assert.throws(() => chronologicalSplit(10, { train: 0 }), RangeError);
  assert.throws(() => chronologicalSplit(10, { train: 1.5 }), RangeError);
  assert.throws(() => chronologicalSplit(10, { fraction: 0 }), RangeError);
  assert.throws(() => chronologicalSplit(10, { fraction: 1.1 }), RangeError);
  assert.throws(() => chronologicalSplit(10, { fraction: NaN }), RangeError);
  assert.throws(() => chronologicalSplit(-1, { train: 1 }), RangeError);
});

test('chronologicalSplit: more training rows than rows, or a fraction leaving none, is a DataError', () => {
  assert.throws(() => chronologicalSplit(710, { train: 800 }), (e: unknown) => e instanceof DataError && /800.*only 710/.test(e.message));
  assert.throws(() => chronologicalSplit(3, { fraction: 0.2 }), (e: unknown) => e instanceof DataError && /no training rows/.test(e.message));
});

test('seriesSplit: a horizon of H leaves H-1 rows out before the test rows, so no training target is a test target', () => {
  assert.deepEqual(seriesSplit(100, false), { train: [0, 80], test: [80, 100] });
  const s = seriesSplit(100, false, 4);
  assert.deepEqual(s, { train: [0, 77], test: [80, 100] });
  // Window row r forecasts series values r+window … r+window+H-1: the last training row's last target is the value
  // just before the first test row's first target.
  const lastTrainTarget = s.train[1] - 1 + 3, firstTestTarget = s.test[0];
  assert.equal(lastTrainTarget, firstTestTarget - 1);
  assert.deepEqual(seriesSplit(710, true, 2), { train: [0, 359], test: [360, 710] });
  assert.deepEqual(seriesSplit(3, false, 10).train, [0, 1], 'at least one training row');
});
