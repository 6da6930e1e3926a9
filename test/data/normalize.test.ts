import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denormalize, fitNormalizer, normalize } from '../../src/data/normalize.ts';
import { DataError } from '../../src/data/errors.ts';

test('fitNormalizer: mean and population std', () => {
  const n = fitNormalizer([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(n.mean, 5);
  assert.equal(n.std, 2);
});

test('fitNormalizer: a constant series gets std 1, so normalising it cannot divide by zero', () => {
  assert.deepEqual(fitNormalizer([3, 3, 3]), { mean: 3, std: 1 });
  assert.deepEqual(Array.from(normalize([3, 4], fitNormalizer([3, 3]))), [0, 1]);
});

test('fitNormalizer: keeps precision when the mean dwarfs the spread', () => {
  const n = fitNormalizer([1e9 + 1, 1e9 - 1]);
  assert.equal(n.mean, 1e9);
  assert.equal(n.std, 1);
});

test('fitNormalizer of no values is a DataError', () => {
  assert.throws(() => fitNormalizer([]), DataError);
});

test('normalize then denormalize gives the values back', () => {
  const values = [0.5, -1.25, 3, 10];
  const n = fitNormalizer(values.slice(0, 2));
  const z = normalize(values, n);
  assert.ok(z instanceof Float64Array);
  assert.equal(z[0], (0.5 - n.mean) / n.std);
  const back = denormalize(z, n);
  values.forEach((v, i) => assert.ok(Math.abs(back[i]! - v) < 1e-12));
});
