// The page's data and forecast logic, run in Node with a stand-in model: which split and normalisation it uses,
// how a dropped CSV is read, and that the rollout feeds each prediction back in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError, tutorialSeries } from '../../src/data/index.ts';
import { prepareDataset } from '../../src/train/dataset.ts';
import type { Manifest } from '../../web/src/artifacts.ts';
import { columnChoice, csvSeries, prepare, tutorial, type Series } from '../../web/src/dataset.ts';
import { forecast, testLoss } from '../../web/src/forecast.ts';
import type { Runner } from '../../web/src/runtime.ts';

/** A "model" that forecasts each window's last value (of its first column) plus 1, 2, …: every output can be worked
 *  out by hand. */
function lastPlus(horizon = 1, features = 1, window = 3): Runner & { calls: number } {
  const r = {
    calls: 0,
    ep: 'wasm' as const,
    adapter: null,
    fallback: null,
    feed: { input: 'x', output: 'y', window, features, batch: null },
    async predict(x: Float32Array, rows: number) {
      r.calls++;
      const values = new Float32Array(rows * horizon);
      for (let i = 0; i < rows; i++) for (let k = 0; k < horizon; k++) values[i * horizon + k] = x[(i * window + window - 1) * features]! + k + 1;
      return { values, perRow: horizon };
    },
    release: async () => {},
  };
  return r;
}

const manifest = (data: Manifest['data']): Manifest => ({ data });
const ramp = (n: number, step = 10) => Float64Array.from({ length: n }, (_, i) => i * step);
const one = (source: string, values: Float64Array): Series => ({ source, names: ['v'], inputs: [values], targetName: 'v', target: values });

describe('data preparation', () => {
  test('the tutorial series trains on its first 360 windows, as the trainer does', () => {
    const p = prepare(tutorial(0), 10, 1, null);
    assert.deepEqual(p.split, { train: [0, 360], test: [360, 710] });
    assert.deepEqual(p.series.target, tutorialSeries(0));
    assert.equal(p.normalizer, null);
  });

  test("the manifest's split applies to the series it was trained on; a normalisation outside the graphs only to the train step's windows", () => {
    const p = prepare(tutorial(0), 10, 1, manifest({ source: 'tutorial', split: { train: [0, 300], test: [300, 700] }, normalization: { mean: 1, std: 2 } }));
    assert.deepEqual(p.split, { train: [0, 300], test: [300, 700] });
    // model.onnx has the normalisation inside: it takes the series as it is.
    assert.equal(p.windows.x[0], Math.fround(tutorialSeries(0)[0]!));
    assert.equal(p.trainWindows.x[0], Math.fround((tutorialSeries(0)[0]! - 1) / 2));
    assert.equal(p.trainWindows.y[0], Math.fround((tutorialSeries(0)[10]! - 1) / 2));
    const plain = prepare(tutorial(0), 10, 1, null);
    assert.equal(plain.trainWindows, plain.windows, 'without normalisation both see the same windows');
  });

  test('another series gets the trainer\'s share of its windows for training, whatever the manifest says', () => {
    const values = ramp(43, 1);
    const p = prepare(one('mine.csv', values), 3, 1, manifest({ source: 'tutorial', split: { train: [0, 30], test: [30, 40] } }));
    assert.deepEqual(p.split, { train: [0, 32], test: [32, 40] }, 'the same 80/20 split as the trainer');
    const same = prepare(one('mine.csv', values), 3, 1, manifest({ source: 'data/mine.csv', split: { train: [0, 30], test: [30, 40] } }));
    assert.deepEqual(same.split, { train: [0, 30], test: [30, 40] }, 'a manifest naming the file by path matches it');
  });

  test('several columns in, the next H values of the target out: windows [window, columns], targets [H]', () => {
    const a = ramp(10, 1), b = ramp(10, 100);
    const p = prepare({ source: 'ab.csv', names: ['a', 'b'], inputs: [a, b], targetName: 'a', target: a }, 3, 2, null);
    assert.equal(p.windows.features, 2);
    assert.equal(p.windows.count, 10 - 3 - 2 + 1);
    assert.deepEqual(Array.from(p.windows.x.subarray(0, 6)), [0, 0, 1, 100, 2, 200]);
    assert.deepEqual(Array.from(p.windows.y.subarray(0, 2)), [3, 4]);
  });

  test('a horizon above 1 gets the trainer\'s split, with horizon-1 rows left out before the test rows', () => {
    const values = ramp(60, 1);
    const series = one('h3.csv', values);
    const p = prepare(series, 5, 3, null);
    const trainer = prepareDataset({ ...series, targetIndex: 0, dates: null, frequency: null }, { window: 5, horizon: 3 });
    assert.deepEqual(p.split, trainer.split);
    assert.equal(p.split.test[0] - p.split.train[1], 2);
  });

  test('a dropped CSV is streamed through the shared reader; its errors name the file and line', async () => {
    const s = await csvSeries(new File(['t,v\n0,1.5\n1,2.5\n'], 'drop.csv'), { inputs: ['v'] });
    assert.deepEqual(Array.from(s.target), [1.5, 2.5]);
    assert.equal(s.source, 'drop.csv');
    await assert.rejects(csvSeries(new File(['v\n1\nx\n'], 'drop.csv'), { inputs: ['0'] }), (e: Error) => e instanceof DataError && /^drop\.csv line 3: /.test(e.message));
  });

  test('the columns read: the manifest\'s inputs and target for the file it was trained on, else those typed', async () => {
    const m = manifest({ source: 'runs/abc.csv', columns: ['a', 'b'], target: 'c' });
    assert.deepEqual(columnChoice('x', m, 'abc.csv'), { inputs: ['a', 'b'], target: 'c' });
    assert.deepEqual(columnChoice(' x, y ', m, 'other.csv'), { inputs: ['x', 'y'] });
    const s = await csvSeries(new File(['a,b,c\n1,2,3\n4,5,6\n'], 'abc.csv'), columnChoice('', m, 'abc.csv'));
    assert.deepEqual(s.names, ['a', 'b']);
    assert.deepEqual(s.inputs.map((c) => Array.from(c)), [[1, 4], [2, 5]]);
    assert.equal(s.targetName, 'c');
    assert.deepEqual(Array.from(s.target), [3, 6]);
  });
});

describe('forecast', () => {
  const values = ramp(12);

  test('a model is fed the series as it is and its outputs are the forecasts: a normalisation applies once, inside it', async () => {
    const p = prepare(one('ramp.csv', values), 3, 1, manifest({ normalization: { mean: 50, std: 10 } }));
    // 9 windows: 7 train, 2 test; test row i sees series 7+i … 9+i (origin 9+i) and forecasts index 10 + i.
    assert.deepEqual(p.split.test, [7, 9]);
    const f = await forecast(lastPlus(), p, 1);
    assert.deepEqual(Array.from(f.origins), [9, 10]);
    // The stand-in sees the test windows [70, 80, 90] and [80, 90, 100] as they are and adds 1.
    assert.deepEqual(Array.from(f.outputs), [91, 101]);
    assert.equal(f.mse, 81);
    assert.equal(await testLoss(lastPlus(), p), f.mse, 'a fine-tune epoch is scored in the same units as the page');
  });

  test('H steps from each test window, scored beside the naive forecast at the same points; H past the end', async () => {
    const p = prepare(one('ramp.csv', values), 3, 2, null);
    const f = await forecast(lastPlus(2), p, 1);
    assert.equal(f.horizon, 2);
    const [t0, t1] = p.split.test;
    assert.equal(f.outputs.length, (t1 - t0) * 2);
    // From origin o the ramp continues with 10(o+1), 10(o+2); the stand-in says v(o)+1, v(o)+2 and naive v(o).
    const errors = Array.from(f.origins).flatMap((o) => [10 * (o + 1) - (10 * o + 1), 10 * (o + 2) - (10 * o + 2)]);
    assert.equal(f.mse, errors.reduce((s, e) => s + e * e, 0) / errors.length);
    assert.equal(f.evaluation.model.mae, errors.reduce((s, e) => s + e, 0) / errors.length);
    assert.equal(f.evaluation.naive.mae, 15, 'naive misses by 10 and 20');
    assert.ok(f.evaluation.model.mae < f.evaluation.naive.mae);
    assert.match(f.evaluation.verdict, /better than naive/);
    assert.deepEqual(Array.from(f.ahead), [111, 112], 'from the last window [90, 100, 110]');
    assert.equal(f.rollout, null, 'nothing to feed back when the model forecasts 2 steps at once');
  });

  test('the rollout feeds each prediction back in as the newest input', async () => {
    const runner = lastPlus();
    const p = prepare(one('ramp.csv', values), 3, 1, null);
    const f = await forecast(runner, p, 1);
    // From the first test window [70, 80, 90]: 91, 92 (each step adds 1 to the previous prediction).
    assert.deepEqual(Array.from(f.rollout!), [91, 92]);
    assert.equal(runner.calls, 1 + 1 + 2, 'one batch for the test windows, one past the end, one run per rollout step');
  });

  test('a model whose output is not the horizon the manifest gives is refused', async () => {
    const p = prepare(one('ramp.csv', values), 3, 2, null);
    await assert.rejects(forecast(lastPlus(1), p, 1), /forecasts 1 values per window; its manifest says the horizon is 2/);
  });
});
