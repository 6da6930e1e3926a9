import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherRows, makeWindows, windowInputs } from '../../src/data/windows.ts';
import { tutorialSeries } from '../../src/data/series.ts';
import { DataError } from '../../src/data/errors.ts';

const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

test('makeWindows: row i is series[i..i+window-1] with target series[i+window]', () => {
  const w = makeWindows(ramp(6), { window: 3 });
  assert.equal(w.count, 3);
  assert.equal(w.window, 3);
  assert.deepEqual(Array.from(w.x), [0, 1, 2, 1, 2, 3, 2, 3, 4]);
  assert.deepEqual(Array.from(w.y), [3, 4, 5]);
});

test('makeWindows: horizon moves the target further ahead', () => {
  const w = makeWindows(ramp(6), { window: 2, horizon: 3 });
  assert.equal(w.count, 2);
  assert.deepEqual(Array.from(w.x), [0, 1, 1, 2]);
  assert.deepEqual(Array.from(w.y), [4, 5]);
});

test('makeWindows: the tutorial gives 710 rows of [10, 1]', () => {
  const series = tutorialSeries();
  const w = makeWindows(series, { window: 10 });
  assert.equal(w.count, 710);
  assert.equal(w.x.length, 7100);
  assert.equal(w.y.length, 710);
  assert.equal(w.x[709 * 10 + 9], Math.fround(series[718]!));
  assert.equal(w.y[709], Math.fround(series[719]!));
});

test('makeWindows: a series too short says how many values are needed', () => {
  assert.throws(() => makeWindows(ramp(10), { window: 10 }), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.match(e.message, /has 10 values; window 10 with horizon 1 needs at least 11/);
    return true;
  });
  assert.equal(makeWindows(ramp(11), { window: 10 }).count, 1);
});

test('makeWindows and windowInputs reject a window or horizon that is not a positive integer', () => {
  assert.throws(() => makeWindows(ramp(10), { window: 0 }), RangeError);
  assert.throws(() => makeWindows(ramp(10), { window: 2.5 }), RangeError);
  assert.throws(() => makeWindows(ramp(10), { window: 2, horizon: 0 }), RangeError);
  assert.throws(() => windowInputs(ramp(10), -1), RangeError);
});

test('windowInputs includes the last window, which has no target', () => {
  const w = windowInputs(ramp(5), 3);
  assert.equal(w.count, 3);
  assert.deepEqual(Array.from(w.x), [0, 1, 2, 1, 2, 3, 2, 3, 4]);
  assert.equal(windowInputs(tutorialSeries(), 10).count, 711);
  const trained = makeWindows(ramp(5), { window: 3 });
  assert.deepEqual(w.x.subarray(0, trained.x.length), trained.x);
});

test('windowInputs: a series shorter than the window is a DataError', () => {
  assert.throws(() => windowInputs(ramp(2), 3), (e: unknown) => e instanceof DataError && /needs at least 3/.test(e.message));
  assert.equal(windowInputs(ramp(3), 3).count, 1);
});

test('gatherRows copies the given rows, in their order, from row `at` on; a row outside the examples is an error', () => {
  const ex = { x: Float32Array.from({ length: 5 * 3 * 2 }, (_, i) => i), y: Float32Array.from({ length: 5 * 2 }, (_, i) => 100 + i), count: 5, window: 3, features: 2, outputs: 2 };
  const x = new Float32Array(4 * 6).fill(-1), y = new Float32Array(4 * 2).fill(-1);
  gatherRows(ex, [4, 0], x, y, 1);
  assert.deepEqual([...x.subarray(0, 6)], [-1, -1, -1, -1, -1, -1]);
  assert.deepEqual([...x.subarray(6, 12)], [24, 25, 26, 27, 28, 29]);
  assert.deepEqual([...x.subarray(12, 18)], [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...y], [-1, -1, 108, 109, 100, 101, -1, -1]);
  assert.throws(() => gatherRows(ex, [5], x, y), RangeError);
});
