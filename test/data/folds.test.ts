import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rollingOriginFolds } from '../../src/data/folds.ts';

test('folds: consecutive test blocks ending at the last row, each trained on every row before it', () => {
  const folds = rollingOriginFolds(100, 5);
  assert.deepEqual(folds.map((f) => [f.train, f.test]), [
    [[0, 50], [50, 60]], [[0, 60], [60, 70]], [[0, 70], [70, 80]], [[0, 80], [80, 90]], [[0, 90], [90, 100]],
  ]);
});

test('folds: the properties hold for any sizes', () => {
  for (const [count, k, opts] of [[37, 3, {}], [1000, 7, { testSize: 20 }], [64, 4, { minTrain: 10 }], [12, 1, {}]] as const) {
    const folds = rollingOriginFolds(count, k, opts);
    assert.equal(folds.length, k);
    assert.equal(folds.at(-1)!.test[1], count);
    const size = folds[0]!.test[1] - folds[0]!.test[0];
    for (const [i, f] of folds.entries()) {
      assert.equal(f.train[0], 0);
      assert.equal(f.train[1], f.test[0], 'tests right after training');
      assert.equal(f.test[1] - f.test[0], size, 'equal blocks');
      if (i > 0) assert.equal(f.test[0], folds[i - 1]!.test[1], 'blocks follow each other');
    }
    assert.ok(folds[0]!.train[1] >= ('minTrain' in opts ? opts.minTrain : Math.floor(count / 2)));
    if ('testSize' in opts) assert.equal(size, opts.testSize);
  }
});

test('folds: a series too short for them is one clear error', () => {
  assert.deepEqual(rollingOriginFolds(9, 5)[0], { train: [0, 4], test: [4, 5] });
  assert.throws(() => rollingOriginFolds(8, 5), { name: 'DataError', message: '5 folds of 1 test row after 4 training rows need 9 rows; there are 8: use fewer folds or more data' });
  assert.throws(() => rollingOriginFolds(50, 3, { testSize: 20 }), { name: 'DataError', message: '3 folds of 20 test rows after 25 training rows need 85 rows; there are 50: use fewer folds, a smaller test block or more data' });
  assert.throws(() => rollingOriginFolds(50, 0), RangeError);
  assert.throws(() => rollingOriginFolds(50, 2, { testSize: 0 }), RangeError);
});
