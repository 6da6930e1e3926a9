// The page's data and forecast logic, run in Node with a stand-in model: which split and normalisation it uses,
// how a dropped CSV is read, and that the rollout feeds each prediction back in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError, tutorialSeries } from '../../src/data/index.ts';
import type { Manifest } from '../../web/src/artifacts.ts';
import { csvSeries, prepare, tutorial } from '../../web/src/dataset.ts';
import { forecast, testLoss } from '../../web/src/forecast.ts';
import type { Runner } from '../../web/src/runtime.ts';

/** A "model" that predicts each window's last value plus 1, so every output can be worked out by hand. */
function lastPlusOne(): Runner & { calls: number } {
  const r = {
    calls: 0,
    ep: 'wasm' as const,
    adapter: null,
    fallback: null,
    feed: { input: 'x', output: 'y', window: 3, features: 1, batch: null },
    async predict(x: Float32Array, rows: number) {
      r.calls++;
      const w = r.feed.window;
      return { values: Float32Array.from({ length: rows }, (_, i) => x[i * w + w - 1]! + 1), perRow: 1 };
    },
    release: async () => {},
  };
  return r;
}

const manifest = (data: Manifest['data']): Manifest => ({ data });

describe('data preparation', () => {
  test('the tutorial series trains on its first 360 windows, as the trainer does', () => {
    const p = prepare(tutorial(0), 10, null);
    assert.deepEqual(p.split, { train: [0, 360], test: [360, 710] });
    assert.deepEqual(p.series.values, tutorialSeries(0));
    assert.equal(p.normalizer, null);
  });

  test("the manifest's split applies to the series it was trained on; its normalisation only to the train step's windows", () => {
    const p = prepare(tutorial(0), 10, manifest({ source: 'tutorial', split: { train: [0, 300], test: [300, 700] }, normalization: { mean: 1, std: 2 } }));
    assert.deepEqual(p.split, { train: [0, 300], test: [300, 700] });
    // model.onnx has the normalisation inside: it takes the series as it is.
    assert.equal(p.windows.x[0], Math.fround(tutorialSeries(0)[0]!));
    assert.equal(p.trainWindows.x[0], Math.fround((tutorialSeries(0)[0]! - 1) / 2));
    assert.equal(p.trainWindows.y[0], Math.fround((tutorialSeries(0)[10]! - 1) / 2));
    const plain = prepare(tutorial(0), 10, null);
    assert.equal(plain.trainWindows, plain.windows, 'without normalisation both see the same windows');
  });

  test('another series gets the trainer\'s share of its windows for training, whatever the manifest says', () => {
    const values = Float64Array.from({ length: 43 }, (_, i) => i);
    const p = prepare({ source: 'mine.csv', values }, 3, manifest({ source: 'tutorial', split: { train: [0, 30], test: [30, 40] } }));
    assert.deepEqual(p.split, { train: [0, 32], test: [32, 40] }, 'the same 80/20 split as the trainer');
    const same = prepare({ source: 'mine.csv', values }, 3, manifest({ source: 'data/mine.csv', split: { train: [0, 30], test: [30, 40] } }));
    assert.deepEqual(same.split, { train: [0, 30], test: [30, 40] }, 'a manifest naming the file by path matches it');
  });

  test('a dropped CSV is streamed through the shared reader; its errors name the file and line', async () => {
    const s = await csvSeries(new File(['t,v\n0,1.5\n1,2.5\n'], 'drop.csv'), 'v');
    assert.deepEqual(Array.from(s.values), [1.5, 2.5]);
    assert.equal(s.source, 'drop.csv');
    await assert.rejects(csvSeries(new File(['v\n1\nx\n'], 'drop.csv'), '0'), (e: Error) => e instanceof DataError && /^drop\.csv line 3: /.test(e.message));
  });
});

describe('forecast', () => {
  const values = Float64Array.from({ length: 12 }, (_, i) => i * 10);

  test('a model trained on normalised data is fed the series and its outputs are the predictions: normalisation applies once, inside it', async () => {
    const p = prepare({ source: 'ramp.csv', values }, 3, manifest({ normalization: { mean: 50, std: 10 } }));
    // 9 windows: 7 train, 2 test; test row i starts at series index 7 + i and predicts index 10 + i.
    assert.deepEqual(p.split.test, [7, 9]);
    const f = await forecast(lastPlusOne(), p);
    assert.equal(f.first, 10);
    assert.deepEqual(Array.from(f.targets), [100, 110]);
    // The stand-in sees the test windows [70, 80, 90] and [80, 90, 100] as they are and adds 1.
    assert.deepEqual(Array.from(f.outputs), [91, 101]);
    assert.deepEqual(Array.from(f.predictions), [91, 101]);
    assert.equal(f.mse, 81);
    assert.equal(await testLoss(lastPlusOne(), p), f.mse, 'a fine-tune epoch is scored in the same units as the page');
  });

  test('the rollout feeds each prediction back in as the newest input', async () => {
    const runner = lastPlusOne();
    const p = prepare({ source: 'ramp.csv', values }, 3, null);
    const f = await forecast(runner, p);
    // From the first test window [70, 80, 90]: 91, 92 (each step adds 1 to the previous prediction).
    assert.deepEqual(Array.from(f.rollout!), [91, 92]);
    assert.deepEqual(Array.from(f.predictions), [91, 101]);
    assert.equal(f.mse, 81);
    assert.equal(runner.calls, 1 + 2, 'one batch for the one-step forecasts, one run per rollout step');
  });

  test('no rollout when the model forecasts further than one step', async () => {
    const p = prepare({ source: 'ramp.csv', values }, 3, manifest({ horizon: 2 }));
    const f = await forecast(lastPlusOne(), p);
    assert.equal(f.rollout, null);
    assert.equal(f.first, p.split.test[0] + 4);
  });
});
