import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillMissing } from '../../src/data/fill.ts';

const cols = (...c: number[][]) => c.map((v) => Float64Array.from(v));
const plain = (f: { columns: Float64Array[] }) => f.columns.map((c) => Array.from(c));

test('ffill carries the last value; leading gaps drop their rows', () => {
  const f = fillMissing(cols([NaN, 1, NaN, NaN, 4], [5, NaN, 6, NaN, NaN]), 'ffill');
  assert.deepEqual(plain(f), [[1, 1, 1, 4], [5, 6, 6, 6]]);
  assert.deepEqual(Array.from(f.kept!), [1, 2, 3, 4]);
  assert.deepEqual(f.filled, [2, 3]);
});

test('interpolate is linear between the values around a gap, carried after the last', () => {
  const f = fillMissing(cols([0, NaN, NaN, 3, NaN]), 'interpolate');
  assert.deepEqual(plain(f), [[0, 1, 2, 3, 3]]);
  assert.equal(f.kept, null);
  assert.deepEqual(f.filled, [3]);
});

test('drop keeps the rows where every column has a value', () => {
  const f = fillMissing(cols([1, NaN, 3, 4], [1, 2, NaN, 4]), 'drop');
  assert.deepEqual(plain(f), [[1, 4], [1, 4]]);
  assert.deepEqual(Array.from(f.kept!), [0, 3]);
});

test('no gaps: the columns come back as they were, for every policy', () => {
  for (const p of ['ffill', 'interpolate', 'drop'] as const) assert.deepEqual(plain(fillMissing(cols([1, 2, 3]), p)), [[1, 2, 3]], p);
});
