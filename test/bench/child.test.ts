import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReport } from '../../scripts/bench/child.ts';

test('parseReport: the last result line wins; null comes back as NaN; no line gives null', () => {
  const out = [
    'some log',
    'BENCH_RESULT {"ms_per_step":9}',
    'BENCH_RESULT {"ms_per_step":0.5,"test_mse":null,"extrapolated":false}',
    '',
  ].join('\n');
  const r = parseReport(out)!;
  assert.equal(r.ms_per_step, 0.5);
  assert.ok(Number.isNaN(r.test_mse));
  assert.equal(r.extrapolated, false);
  assert.equal(parseReport('nothing here\n'), null);
});
