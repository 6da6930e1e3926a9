import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../scripts/bench/child.ts';
import type { GridRow } from '../../scripts/bench/grid.ts';
import { bestK, contender, floors, gridBehind, gridSeries, gridTable, kTable, leverTable, ratios, tutorialTable, type TutorialResults } from '../../scripts/bench/report.ts';
import { summarize } from '../../scripts/bench/stats.ts';

const run = (ms: number, o: Partial<RunResult> = {}): RunResult => ({
  train_seconds: (ms * 3000) / 1000, ms_per_step: ms, cpu_ms_per_step: ms * 0.9, steps_per_second: 1000 / ms, steps: 3000,
  test_mse: 0.0226, peak_rss_mb: 130, extrapolated: false, process_seconds: 3, ...o,
});

function results(torch: boolean): TutorialResults {
  return {
    epochs: 1500, stepsPerEpoch: 2,
    ingraph: [
      contender('ingraph-k1', 'ingraph CPU, K=1', [run(0.5), run(0.6), run(0.55)], 1),
      contender('ingraph-k2', 'ingraph CPU, K=2', [run(0.45), run(0.44), run(0.47)], 2),
      contender('ingraph-k10', 'ingraph CPU, K=10', [run(0.46), run(0.45), run(0.48, { peak_rss_mb: 150 })], 10),
    ],
    tfjs: contender('tfjs', 'TensorFlow.js CPU (pure JS)', [run(43, { extrapolated: true, steps: 150, test_mse: NaN, peak_rss_mb: 280 })]),
    tfjsFull: null,
    torch: torch ? contender('torch', 'PyTorch eager CPU, 1 thread', [run(2.75, { test_mse: 0.0227 })]) : null,
    torchMissing: torch ? null : 'not available on this machine',
    allCores: null,
  };
}

test('bestK: the lowest median ms per step', () => {
  assert.equal(bestK(results(false).ingraph).k, 2);
  assert.throws(() => bestK([]), RangeError);
});

test('tutorialTable: K=1 and best-K rows, tfjs marked as extrapolated, PyTorch said to be missing', () => {
  const t = tutorialTable(results(false));
  const lines = t.split('\n');
  assert.equal(lines.length, 2 + 4);
  assert.match(lines[2]!, /^\| ingraph CPU, 1 step per run \| 1\.65 \(1\.50–1\.80\) \| 0\.550 \(0\.500–0\.600\) \|/);
  assert.match(lines[3]!, /^\| ingraph CPU, best K \(K=2\) \| .* \| 0\.450 \(0\.440–0\.470\) \|/);
  assert.match(lines[4]!, /^\| TensorFlow\.js CPU \(pure JS\) \| 129 \* \| 43\.0 \|.*– \(budgeted run\) \| 280 \|$/);
  assert.equal(lines[5], '| PyTorch: not available on this machine | – | – | – | – | – | – |');
});

test('tutorialTable: a best K that is not whole epochs says which K was in effect', () => {
  const r = results(false);
  r.ingraph[2] = contender('ingraph-k3', 'ingraph CPU, K=3', [run(0.3)], 3);
  assert.match(tutorialTable(r).split('\n')[3]!, /^\| ingraph CPU, best K \(K=3, 2 in effect\) \|/);
  r.ingraph[2] = contender('ingraph-k10', 'ingraph CPU, K=10', [run(0.3)], 10);
  assert.match(tutorialTable(r).split('\n')[3]!, /^\| ingraph CPU, best K \(K=10\) \|/);
});

test('ratios and floors: computed from medians; unmeasured ones are not checked', () => {
  const r = results(false);
  assert.deepEqual(ratios(r), [
    'ingraph vs TensorFlow.js (ms per step): best K (K=2) 96× faster; K=1 78× faster; by CPU time per step, best K 96× faster',
    'ingraph vs PyTorch: – (PyTorch not measured)',
  ]);
  const f = floors(r);
  assert.deepEqual(f.map((x) => x.met), [true, null, null, true, null]);
  assert.match(f[3]!.measured, /^150 MB/); // the highest ingraph run, not a median
  const withTorch = floors(results(true));
  assert.equal(withTorch[1]!.measured, '6.1×'); // best K: 2.75 / 0.45
  assert.equal(withTorch[1]!.met, false); // below 10×
  assert.equal(withTorch[2]!.measured, '5.0×'); // K=1: 2.75 / 0.55
  assert.equal(withTorch[2]!.met, false); // below 6×
  assert.equal(withTorch[4]!.met, true); // 0.0226 vs 0.0227
});

test('floors: an ingraph 10× PyTorch at best K and 6× at K=1 meets both', () => {
  const r = results(true);
  r.ingraph = [contender('ingraph-k1', 'ingraph CPU, K=1', [run(0.45)], 1), contender('ingraph-k10', 'ingraph CPU, K=10', [run(0.27)], 10)];
  assert.deepEqual(floors(r).slice(1, 3).map((x) => x.met), [true, true]);
});

test('floors: a slow ingraph fails the tfjs floor, a large one the memory floor', () => {
  const r = results(false);
  r.ingraph = [contender('ingraph-k1', 'ingraph CPU, K=1', [run(5, { peak_rss_mb: 250 })], 1)];
  assert.deepEqual(floors(r).map((x) => x.met), [false, null, null, false, null]);
});

test('kTable: K in effect is whole epochs once K reaches the batches an epoch', () => {
  const lines = kTable(results(false)).split('\n');
  assert.match(lines[2]!, /^\| 1 \| 1 \| 3000 \|/);
  assert.match(lines[4]!, /^\| 10 \| 10 \| 300 \|/);
});

const ms = (...xs: number[]) => summarize(xs);
const gridRow = (hidden: number, i1: number, t1: number, i2: number, t2: number, j1 = NaN): GridRow => ({
  hidden, window: 10, batch: 256, work: hidden * 1000, autoThreads: 1, cores: 2,
  ms: { 'ingraph-1': ms(i1), 'torch-1': ms(t1), 'tfjs-1': Number.isNaN(j1) ? summarize([]) : ms(j1), 'ingraph-all': ms(i2), 'torch-all': ms(t2) },
});

test('gridTable: PyTorch over ingraph at the same thread count; gridBehind names the sizes where PyTorch wins', () => {
  const rows = [gridRow(5, 0.2, 3, 0.4, 3.5, 40), gridRow(128, 10, 8, 6, 5)];
  const t = gridTable(rows).split('\n');
  assert.equal(t[0], '| hidden | window | batch | ingraph, 1 thread | PyTorch, 1 thread | PyTorch / ingraph | TF.js, 1 thread | TF.js / ingraph | ingraph, 2 threads | PyTorch, 2 threads | PyTorch / ingraph | --threads auto picks |');
  assert.equal(t[2], '| 5 | 10 | 256 | 0.200 | 3.00 | 15× | 40.0 | 200× | 0.400 | 3.50 | 8.8× | 1 |');
  assert.equal(t[3], '| 128 | 10 | 256 | 10.0 | 8.00 | 0.8× | – | – | 6.00 | 5.00 | 0.8× | 1 |');
  assert.deepEqual(gridBehind(rows), [
    'hidden 128, window 10, batch 256, 1 thread: PyTorch 8.00 ms, ingraph 10.0 ms',
    'hidden 128, window 10, batch 256, 2 threads: PyTorch 5.00 ms, ingraph 6.00 ms',
  ]);
});

test('gridSeries: one series per measured contender, points at each size\'s work', () => {
  const rows = [gridRow(5, 0.2, NaN, 0.4, NaN, 30), gridRow(32, 1, NaN, 0.8, NaN, 90)];
  const s = gridSeries(rows);
  assert.deepEqual(s.map((x) => x.label), ['ingraph, 1 thread', 'TensorFlow.js, 1 thread', 'ingraph, 2 threads']);
  assert.deepEqual(s[0]!.points, [[5000, 0.2], [32000, 1]]);
});

test('leverTable', () => {
  const l = leverTable([
    { lever: 'baseline', ms: { median: 0.5, min: 0.5, max: 0.5, n: 1 }, cpuMs: { median: 0.5, min: 0.5, max: 0.5, n: 1 }, testMse: 0.0226, baselineMs: 0.5 },
    { lever: 'faster', ms: { median: 0.4, min: 0.4, max: 0.4, n: 1 }, cpuMs: { median: 0.41, min: 0.4, max: 0.42, n: 2 }, testMse: 0.0226, baselineMs: 0.5 },
  ]).split('\n');
  assert.equal(l[2], '| baseline | 0.500 | +0.0% | 0.500 | 0.0226 |');
  assert.equal(l[3], '| faster | 0.400 | −20.0% | 0.410 (0.400–0.420) | 0.0226 |');
});
