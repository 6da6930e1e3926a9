import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, summarize, summarizeFields } from '../../scripts/bench/stats.ts';

test('median: odd and even counts, unsorted input left as it was', () => {
  const xs = [3, 1, 2];
  assert.equal(median(xs), 2);
  assert.deepEqual(xs, [3, 1, 2]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), RangeError);
});

test('summarize: median with min–max spread; NaN runs left out', () => {
  assert.deepEqual(summarize([1.2, 0.9, 1.0]), { median: 1.0, min: 0.9, max: 1.2, n: 3 });
  assert.deepEqual(summarize([NaN, 2, 4]), { median: 3, min: 2, max: 4, n: 2 });
  const none = summarize([NaN]);
  assert.equal(none.n, 0);
  assert.ok(Number.isNaN(none.median));
});

test('summarizeFields: each field on its own', () => {
  const s = summarizeFields([{ a: 1, b: 10 }, { a: 3, b: 30 }, { a: 2, b: 20 }], ['a', 'b']);
  assert.equal(s.a.median, 2);
  assert.equal(s.b.max, 30);
});
