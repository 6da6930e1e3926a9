import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fmt, fmtSummary, markdownTable, ratio } from '../../scripts/bench/format.ts';

test('fmt: three significant figures, whole numbers for large values, a dash for non-finite', () => {
  assert.equal(fmt(0.022557), '0.0226');
  assert.equal(fmt(1.9246), '1.92');
  assert.equal(fmt(43.11), '43.1');
  assert.equal(fmt(2103.6), '2104');
  assert.equal(fmt(0), '0');
  assert.equal(fmt(NaN), '–');
  assert.equal(fmt(Infinity), '–');
});

test('fmtSummary: the median with its spread; one run or no spread shows the figure alone', () => {
  assert.equal(fmtSummary({ median: 0.45, min: 0.44, max: 0.51, n: 3 }), '0.450 (0.440–0.510)');
  assert.equal(fmtSummary({ median: 0.45, min: 0.45, max: 0.45, n: 1 }), '0.450');
  assert.equal(fmtSummary({ median: NaN, min: NaN, max: NaN, n: 0 }), '–');
});

test('ratio: how many times faster, from per-step times', () => {
  assert.equal(ratio(43.1, 0.45), '96×');
  assert.equal(ratio(2.75, 0.5), '5.5×');
  assert.equal(ratio(NaN, 0.5), '–');
  assert.equal(ratio(1, 0), '–');
});

test('markdownTable: header rule, numeric columns right-aligned, pipes escaped, ragged rows refused', () => {
  const t = markdownTable(['name', 'ms'], [['a|b', '1.5'], ['c', '–']]);
  assert.equal(t, ['| name | ms |', '| --- | ---: |', '| a\\|b | 1.5 |', '| c | – |'].join('\n'));
  assert.throws(() => markdownTable(['a', 'b'], [['1']]), RangeError);
});
