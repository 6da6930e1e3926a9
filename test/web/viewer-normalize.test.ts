// A model trained with --normalize has the normalisation inside its graphs: the page feeds it the series as it is
// and shows its outputs as they are (once, not twice), so its test MSE is the trainer's, and a fine-tune trains it
// in the same units. Trained for real on a public trending series (monthly CO2).
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { readCsvColumnFile } from '../../src/node/csv-file.ts';
import { train } from '../../src/train/trainer.ts';
import { exposed, open, REPO, settle, SHOTS, skipWithoutChromium, openViewer, closeViewer, type Viewer } from './viewer-page.ts';

const CO2 = join(REPO, 'node_modules', 'vega-datasets', 'data', 'co2-concentration.csv');

describe('a model trained on normalised data', { skip: skipWithoutChromium }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-norm-'));
  const out = join(models, 'co2');
  let viewer: Viewer;
  let page: Page;
  let series: Float64Array;

  before(async () => {
    copyFileSync(CO2, join(models, 'co2.csv'));
    series = await readCsvColumnFile(join(models, 'co2.csv'), { column: 'CO2' });
    await train({ out, data: { file: join(models, 'co2.csv'), column: 'CO2' }, normalize: true, epochs: 20 });
    ({ viewer, page } = await openViewer(models));
  });
  after(() => closeViewer(viewer, models));

  /** Every value lies within the series' range widened by half its span on each side. */
  function assertInDataRange(values: number[], what: string): void {
    const lo = Math.min(...series), hi = Math.max(...series), pad = (hi - lo) / 2;
    const out = values.filter((v) => !(v >= lo - pad && v <= hi + pad));
    assert.equal(out.length, 0, `${what}: ${out.length} of ${values.length} outside [${lo - pad}, ${hi + pad}], e.g. ${out[0]}`);
  }

  test('forecasts are in the data\'s units and the test MSE is metrics.json\'s', async () => {
    const e = await open(page, `${viewer.server.url}?model=models/co2/model.onnx&csv=models/co2.csv&column=CO2`);
    assert.equal(e.status, 'ready', e.error ?? '');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.ok(manifest.preprocess.target.scale > 1, 'the series is scaled by a factor far from 1, so applying it twice shows');
    assert.deepEqual(e.test, manifest.data.split.test, 'the split the model was trained and tested on');
    assertInDataRange(e.predictions, 'one-step forecasts');
    assertInDataRange(e.rollout!, 'rollout');
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    // The page sums in float64 over model.onnx's outputs; the trainer over eval_model.onnx's.
    assert.ok(Math.abs(e.testMse! - metrics.test_mse) <= 1e-4 * metrics.test_mse, `page ${e.testMse} vs metrics.json ${metrics.test_mse}`);
    await page.screenshot({ path: join(SHOTS, 'viewer-normalized.png'), fullPage: true });
  });

  test('a fine-tune trains in the units the train step was built for and scores each epoch as the page does', async () => {
    await page.fill('#train-epochs', '3');
    const e = await settle(page, () => page.click('#train'), 60_000);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.equal(e.finetune.length, 3);
    const last = e.finetune[2]!;
    assert.ok(Math.abs(e.testMse! - last.testLoss) <= 1e-5 * last.testLoss, `page ${e.testMse} vs epoch 3 ${last.testLoss}`);
    // Fed windows in other units than its own, the train step would push the weights far off and the forecasts with them.
    assertInDataRange(e.predictions, 'fine-tuned forecasts');
    const log = readFileSync(join(out, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const trainedLoss = log[log.length - 1].train_loss;
    assert.ok(e.finetune.every((r) => r.trainLoss < 100 * trainedLoss), `train losses ${e.finetune.map((r) => r.trainLoss)} against the trainer's ${trainedLoss}: the same units`);
    assert.equal((await exposed(page)).model, 'model.fine-tuned.onnx');
    await page.screenshot({ path: join(SHOTS, 'viewer-normalized-finetuned.png'), fullPage: true });
  });
});
