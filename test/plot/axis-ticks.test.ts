import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearTicks, logTicks } from '../../src/plot/axis-ticks.ts';

const values = (lo: number, hi: number) => logTicks(Math.log10(lo), Math.log10(hi)).map((t) => Number((10 ** t).toPrecision(6)));

test('a log axis narrower than one 1-2-5 step still gets round labels inside it', () => {
  const v = values(3.3e-3, 4.5e-3);
  assert.ok(v.length >= 3, `ticks ${v}`);
  for (const t of v) assert.ok(t >= 3.3e-3 && t <= 4.5e-3, `${t} lies in the range`);
  assert.deepEqual(v, [0.0035, 0.004, 0.0045]);
});

test('a log axis over a few decades keeps 1-2-5 labels; over many, powers of ten', () => {
  assert.deepEqual(values(0.001, 0.5), [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
  assert.deepEqual(values(1e-6, 10), [1e-6, 1e-5, 1e-4, 0.001, 0.01, 0.1, 1, 10]);
});

test('a log axis inside one decade uses every integer mantissa, or round linear values when those are too few', () => {
  assert.deepEqual(values(0.0025, 0.0075), [0.003, 0.004, 0.005, 0.006, 0.007]);
  assert.deepEqual(values(0.0025, 0.0048), [0.0025, 0.003, 0.0035, 0.004, 0.0045]);
});

test('every range, narrow or wide, gets at least three labels inside it', () => {
  for (let lo = 1e-5; lo < 10; lo *= 1.37) {
    for (const ratio of [1.01, 1.1, 1.4, 2, 5, 30, 1e4]) {
      const v = values(lo, lo * ratio);
      assert.ok(v.length >= 3, `[${lo}, ${lo * ratio}] got ${v}`);
      for (const t of v) assert.ok(t >= lo * (1 - 1e-9) && t <= lo * ratio * (1 + 1e-9));
    }
  }
});

test('linear ticks are round and cover the range', () => {
  assert.deepEqual(linearTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(linearTicks(-0.3, 0.3, 6), [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
});
