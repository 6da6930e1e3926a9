import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../src/data/errors.ts';
import { Rng } from '../../src/data/rng.ts';
import { accuracy, actualValues, evaluateForecast, maseScale, naiveForecast, seasonalNaiveForecast, verdict, windowOrigins, type Accuracy } from '../../src/metrics/index.ts';
import { withSeed } from '../helpers/seed.ts';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('accuracy on a hand-checked case', () => {
  // Errors 1, -2, 0, 3: squares 1, 4, 0, 9.
  const a = accuracy([1, 2, 0, 4], [2, 0, 0, 7], 2);
  close(a.mse, 14 / 4, 'mse');
  close(a.rmse, Math.sqrt(14 / 4), 'rmse');
  close(a.mae, 6 / 4, 'mae');
  // 200·|e|/(|A|+|F|): 200/3, 400/2, 0 (A = F = 0 counts 0), 600/11.
  close(a.smape, (200 / 3 + 200 + 0 + 600 / 11) / 4, 'smape');
  close(a.mase!, 6 / 4 / 2, 'mase');
  assert.equal(accuracy([1], [1], 0).mase, null);
  assert.equal(accuracy([1], [1], null).mase, null);
  assert.throws(() => accuracy([1, 2], [1], 1), RangeError);
  assert.throws(() => accuracy([], [], 1), RangeError);
});

test('sMAPE stays on the 0–200 scale: 200 when one side is 0', () => {
  assert.equal(accuracy([0, 5], [3, 0], null).smape, 200);
  assert.equal(accuracy([2], [2], null).smape, 0);
});

test('MASE scale: the in-sample seasonal-naive MAE of the training part', () => {
  const y = [1, 2, 4, 7, 11];
  close(maseScale(y, 1)!, (1 + 2 + 3 + 4) / 4, 'm=1');
  close(maseScale(y, 2)!, (3 + 5 + 7) / 3, 'm=2');
  close(maseScale(y, 1, 3)!, (1 + 2) / 2, 'first 3 values');
  assert.equal(maseScale(y, 5), null);
  assert.throws(() => maseScale(y, 0), RangeError);
});

test('baselines for H steps: naive repeats the last value, seasonal naive takes the value a season before', () => {
  const y = [10, 11, 12, 13, 14, 15, 16, 17];
  // Origins 3 and 4 (last seen values 13 and 14), 3 steps, season 2.
  assert.deepEqual(Array.from(actualValues(y, [3, 4], 3)), [14, 15, 16, 15, 16, 17]);
  assert.deepEqual(Array.from(naiveForecast(y, [3, 4], 3)), [13, 13, 13, 14, 14, 14]);
  // Step h from origin o: y[o + h − 2·ceil(h/2)]; from 3: y[2], y[3], y[2].
  assert.deepEqual(Array.from(seasonalNaiveForecast(y, [3, 4], 3, 2)), [12, 13, 12, 13, 14, 13]);
  // Season 1 is the naive forecast.
  assert.deepEqual(Array.from(seasonalNaiveForecast(y, [3, 4], 3, 1)), Array.from(naiveForecast(y, [3, 4], 3)));
  assert.throws(() => seasonalNaiveForecast(y, [1], 1, 4), DataError);
  assert.throws(() => actualValues(y, [6], 2), RangeError);
  assert.deepEqual(Array.from(windowOrigins([2, 5], 3)), [4, 5, 6]);
});

test('property: a forecast equal to a baseline scores as it; the naive forecast in sample has MASE 1', () => withSeed(3, (seed) => {
  const rng = Rng.derive(seed, 'metrics');
  for (let trial = 0; trial < 20; trial++) {
    const n = 30 + rng.int(50);
    const y = Float64Array.from({ length: n }, () => rng.normal() * 5);
    for (let i = 1; i < n; i++) y[i]! += y[i - 1]!;
    const season = 1 + rng.int(6);
    // Every one-step origin of the training part itself: the naive forecast's MAE is the MASE scale.
    const origins = Int32Array.from({ length: n - season }, (_, k) => k + season - 1);
    const naive = seasonalNaiveForecast(y, origins, 1, season);
    const e = evaluateForecast({ series: y, origins, horizon: 1, forecast: naive, season, trainEnd: n });
    close(e.model.mase!, 1, `MASE of the seasonal naive forecast in sample (season ${season})`);
    assert.deepEqual(e.model, e.seasonalNaive);
    // Later test points, 3 steps: the naive forecast scores exactly as the naive baseline.
    const later = Int32Array.from({ length: 5 }, (_, k) => n - 8 + k);
    const h3 = evaluateForecast({ series: y, origins: later, horizon: 3, forecast: naiveForecast(y, later, 3), season, trainEnd: n - 8 });
    assert.deepEqual(h3.model, h3.naive);
    // The verdict compares with the better baseline: a draw with naive unless seasonal naive wins clearly.
    const seasonalWins = season > 1 && h3.seasonalNaive.mae < h3.naive.mae * 0.995;
    assert.match(h3.verdict, seasonalWins ? /worse than seasonal naive/ : /level with (seasonal )?naive/);
  }
}));

const acc = (mae: number, mase: number | null = null): Accuracy => ({ mse: mae * mae, rmse: mae, mae, smape: 0, mase });

test('verdict: against the better baseline, in one line', () => {
  assert.equal(verdict(acc(1.23, 0.71), acc(2), acc(1.73), 12), 'MASE 0.71: 29% better than seasonal naive (MAE 1.23 vs 1.73)');
  assert.equal(verdict(acc(1.23, 1.2), acc(1.1), acc(1.73), 12), 'MASE 1.2: 12% worse than naive (MAE 1.23 vs 1.1): try differencing, a smaller learning rate or more data');
  assert.equal(verdict(acc(1.23), acc(1.1), acc(1.73), 12, 'try --difference'), '12% worse than naive (MAE 1.23 vs 1.1): try --difference');
  // Season 1: the seasonal naive forecast is the naive one, and is named so.
  assert.equal(verdict(acc(0.5), acc(1), acc(0.9), 1), '50% better than naive (MAE 0.5 vs 1)');
  assert.match(verdict(acc(1.001), acc(1), acc(1), 7), /^level with naive \(MAE 1 vs 1\): try/);
  assert.equal(verdict(acc(0.1), acc(0), acc(0), 1), 'worse than naive (MAE 0.1 vs 0): try differencing, a smaller learning rate or more data');
});

test('evaluateForecast: every metric for the model and both baselines on the same points', () => {
  // A season-4 pattern on a trend: the seasonal naive forecast is off by one trend step each time, the naive by more.
  const y = Float64Array.from({ length: 40 }, (_, i) => [0, 5, 2, 8][i % 4]! + i * 0.25);
  const origins = windowOrigins([28, 36], 4);
  const perfect = actualValues(y, origins, 1);
  const e = evaluateForecast({ series: y, origins, horizon: 1, forecast: perfect, season: 4, trainEnd: 31 });
  assert.equal(e.points, 8);
  assert.equal(e.model.mae, 0);
  close(e.seasonalNaive.mae, 1, 'seasonal naive MAE');
  assert.ok(e.naive.mae > e.seasonalNaive.mae);
  assert.equal(e.verdict, 'MASE 0: 100% better than seasonal naive (MAE 0 vs 1)');
});
