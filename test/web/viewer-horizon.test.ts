// A model with several input columns and a horizon of several steps, trained for real on a public daily series
// (Seattle weather: max and min temperature and wind in, the next week's max temperature out): the page reads the
// columns the model was trained on, draws the H-step forecasts as a fan and the next H past the end, scores them
// beside the naive and seasonal-naive forecasts by the trainer's own metrics (the same numbers as metrics.json),
// and fine-tunes the model.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { train } from '../../src/train/trainer.ts';
import { open, REPO, settle, SHOTS, skipWithoutChromium, openViewer, closeViewer, type Viewer } from './viewer-page.ts';

const WEATHER = join(REPO, 'node_modules', 'vega-datasets', 'data', 'seattle-weather.csv');
const H = 7;

/** a and b agree to a relative `tol` (float32 sums in the trainer, float64 in the page). */
const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-12);

describe('several columns in, several steps out', { skip: skipWithoutChromium }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-horizon-'));
  const out = join(models, 'weather');
  let viewer: Viewer;
  let page: Page;

  before(async () => {
    copyFileSync(WEATHER, join(models, 'weather.csv'));
    await train({ out, data: { file: join(models, 'weather.csv'), columns: ['temp_max', 'temp_min', 'wind'], target: 'temp_max' }, horizon: H, epochs: 5 });
    ({ viewer, page } = await openViewer(models));
  });
  after(() => closeViewer(viewer, models));

  test("the page reads the model's columns, forecasts H steps from every test window and scores them as the trainer did", async () => {
    const e = await open(page, `${viewer.server.url}?model=models/weather/model.onnx&csv=models/weather.csv`);
    assert.equal(e.status, 'ready', e.error ?? '');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.equal(e.horizon, H);
    assert.deepEqual(e.test, manifest.data.split.test);
    const rows = e.test![1] - e.test![0];
    assert.equal(e.outputs.length, rows * H, 'H values per test window');
    assert.equal(e.ahead.length, H);
    assert.equal(e.rollout, null);
    assert.match((await page.textContent('#data-info'))!, /input columnstemp_max, temp_min, wind.*forecast columntemp_max/);
    assert.ok(close(e.testMse!, metrics.test_mse), `page ${e.testMse} vs metrics.json ${metrics.test_mse}`);
    // The same shared metrics on the same points: every number of metrics.json's test block.
    const ev = e.evaluation!;
    assert.equal(ev.season, metrics.test.season);
    assert.equal(ev.points, metrics.test.points);
    for (const who of ['model', 'naive', 'seasonalNaive'] as const) {
      for (const k of ['mse', 'rmse', 'mae', 'smape', 'mase'] as const) {
        assert.ok(close(ev[who][k]!, metrics.test[who][k]), `${who} ${k}: page ${ev[who][k]} vs metrics.json ${metrics.test[who][k]}`);
      }
    }
    assert.equal(await page.textContent('#forecast-metrics .verdict'), ev.verdict);
    assert.equal(await page.locator('#forecast-metrics tr[data-metric]').count(), 5);
    assert.equal(await page.locator('#metrics-test tr[data-metric]').count(), 5, "metrics.json's table beside the baselines");
    const fan = await page.$$eval(`#forecast-chart .series[data-label^="${H}-step forecasts"] polyline`, (ps) => ps.map((p) => p.getAttribute('points')!.split(' ').length));
    assert.equal(fan.length, Math.ceil(rows / H), 'one path from every H-th test window');
    assert.ok(fan.every((n) => n === H), `each path is H points long: ${fan}`);
    const ahead = (await page.getAttribute(`#forecast-chart .series[data-label="next ${H} past the end"] polyline`, 'points'))!.split(' ');
    assert.equal(ahead.length, H, 'the next H values past the end');
    assert.equal(e.evaluation!.model.mse, e.testMse, "the page's test MSE is its model MSE beside the baselines");
    await page.screenshot({ path: join(SHOTS, 'viewer-horizon.png'), fullPage: true });
  });

  test('it fine-tunes in the page, each epoch scored as the page scores the model', async () => {
    await page.fill('#train-epochs', '2');
    const e = await settle(page, () => page.click('#train'), 120_000);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.equal(e.finetune.length, 2);
    const last = e.finetune[1]!;
    assert.ok(close(e.testMse!, last.testLoss, 1e-5), `page ${e.testMse} vs epoch 2 ${last.testLoss}`);
    assert.equal(e.outputs.length, (e.test![1] - e.test![0]) * H);
    await page.screenshot({ path: join(SHOTS, 'viewer-horizon-finetuned.png'), fullPage: true });
  });
});
