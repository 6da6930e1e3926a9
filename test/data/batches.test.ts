import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochBatches } from '../../src/data/batches.ts';
import { Rng } from '../../src/data/rng.ts';

test('epochBatches without rng: in order, last batch partial (the tutorial: 256 + 104)', () => {
  const b = epochBatches(360, 256, null);
  assert.equal(b.length, 2);
  assert.equal(b[0]!.length, 256);
  assert.equal(b[1]!.length, 104);
  assert.deepEqual(Array.from(b[0]!.subarray(0, 3)), [0, 1, 2]);
  assert.equal(b[1]![103], 359);
  assert.deepEqual(epochBatches(0, 4, null), []);
  assert.deepEqual(epochBatches(4, 4, null).map((x) => Array.from(x)), [[0, 1, 2, 3]]);
});

test('epochBatches with rng: a permutation of all rows', () => {
  const b = epochBatches(360, 256, new Rng(7));
  const all = b.flatMap((x) => Array.from(x));
  assert.equal(all.length, 360);
  assert.deepEqual([...all].sort((p, q) => p - q), Array.from({ length: 360 }, (_, i) => i));
  assert.notDeepEqual(all, Array.from({ length: 360 }, (_, i) => i));
});

test('epochBatches: same rng state, same batches and same state afterwards', () => {
  const a = new Rng(123);
  const b = new Rng(123);
  assert.deepEqual(epochBatches(100, 32, a), epochBatches(100, 32, b));
  assert.equal(a.state, b.state);
  // The next epoch continues the stream, so it differs from the first.
  const first = epochBatches(100, 32, new Rng(123));
  assert.notDeepEqual(epochBatches(100, 32, a), first);
});

test('epochBatches: the state afterwards depends only on the state before (rows-1 draws)', () => {
  const rng = new Rng(99);
  epochBatches(50, 8, rng);
  const expected = new Rng(99);
  for (let i = 0; i < 49; i++) expected.next();
  assert.equal(rng.state, expected.state);
});

test('epochBatches: every row lands in each position about equally often', () => {
  const rng = new Rng(1);
  const firsts = new Int32Array(4);
  for (let e = 0; e < 4000; e++) firsts[epochBatches(4, 2, rng)[0]![0]!]!++;
  for (const n of firsts) assert.ok(n > 850 && n < 1150, `first-row counts ${Array.from(firsts)}`);
});

test('epochBatches rejects bad sizes', () => {
  assert.throws(() => epochBatches(10, 0, null), RangeError);
  assert.throws(() => epochBatches(-1, 4, null), RangeError);
  assert.throws(() => epochBatches(10, 2.5, null), RangeError);
});
