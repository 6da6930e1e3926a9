// Fine-tuning in the browser runs in a Web Worker: while it runs the page keeps drawing frames, the loss chart and
// the progress bar follow each epoch, and Stop ends the run with the weights of the last finished epoch. A second
// fine-tune keeps the first one's curve and continues its epochs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { makeWindows, tutorialSeries } from '../../src/data/index.ts';
import { TUTORIAL_MODEL } from '../../src/graph/model.ts';
import type { Exposed } from '../../web/src/exposed.ts';
import { exposed, open, settle, SHOTS, skipWithoutChromium, openViewer, closeViewer, writeArtifactSet, type Viewer } from './viewer-page.ts';

type Win = { __ingraph: Exposed; __frames: number };

/** x of the first and last points the loss chart draws for a series. */
const seriesX = (page: Page, label: string) =>
  page.$eval(`#loss-chart .series[data-label="${label}"] polyline`, (p) => {
    const xs = p.getAttribute('points')!.split(' ').map((pt) => Number(pt.split(',')[0]));
    return [xs[0]!, xs[xs.length - 1]!, xs.length];
  });

describe('fine-tuning in a worker', { skip: skipWithoutChromium }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-ft-'));
  let viewer: Viewer;
  let page: Page;

  before(async () => {
    writeArtifactSet(models);
    writeArtifactSet(join(models, 'named'), { io: { input: 'series', output: 'forecast', window: 'window' } });
    ({ viewer, page } = await openViewer(models));
  });
  after(() => closeViewer(viewer, models));

  test('the page draws frames and follows each epoch while training; Stop keeps the weights so far', async () => {
    await open(page, viewer.server.url);
    assert.match((await page.textContent('#train-status'))!, /Web Worker.*Adam starts afresh/);
    await page.fill('#train-epochs', '1000');
    // A string, not a function: the test's transpiler would wrap a named function in a helper the page lacks.
    await page.evaluate('window.__frames = 0; (function tick() { window.__frames++; requestAnimationFrame(tick); })()');
    const settledBefore = (await exposed(page)).settled;
    await page.click('#train');
    await page.waitForFunction(() => (window as unknown as Win).__ingraph.finetune.length >= 2, null, { timeout: 60_000 });
    const frames = await page.evaluate(() => (window as unknown as Win).__frames);
    // Frames keep coming while the run goes on: the main thread is not the one training.
    await page.waitForFunction(
      (f) => {
        const w = window as unknown as Win;
        return w.__frames > f + 5 && w.__ingraph.status === 'training';
      },
      frames,
      { timeout: 60_000, polling: 50 },
    );
    const mid = await exposed(page);
    assert.equal(mid.status, 'training');
    assert.ok(mid.finetune.length < 1000);
    assert.equal(await page.isVisible('#train-progress'), true);
    assert.ok((await page.$eval('#train-progress', (p) => (p as HTMLProgressElement).value)) >= 2);
    assert.equal(await page.$eval('#train-progress', (p) => (p as HTMLProgressElement).max), 1000);
    assert.match((await page.textContent('#train-status'))!, /^epoch \d+\/1000: train loss [\d.e-]+, test loss [\d.e-]+ · \d+ ms per epoch · about \d+ (s|min) left/);
    assert.ok((await seriesX(page, 'fine-tune 1 train'))[2] >= 2, 'the loss chart shows the epochs so far');
    assert.equal(await page.isDisabled('#train'), true);
    await page.screenshot({ path: join(SHOTS, 'viewer-finetune-running.png') });

    await page.click('#train-stop');
    await page.waitForFunction((n) => (window as unknown as Win).__ingraph.settled > n, settledBefore, { timeout: 60_000 });
    const e = await exposed(page);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.equal(e.stopped, true);
    const n = e.finetune.length;
    assert.ok(n >= 2 && n < 1000, `stopped after ${n} epochs`);
    assert.equal(e.model, 'model.fine-tuned.onnx');
    assert.equal(await page.isVisible('#train-stop'), false);
    assert.match((await page.textContent('#train-status'))!, new RegExp(`^stopped after epoch ${n} of 1000`));

    // The model shown and downloaded holds the weights of the last finished epoch: its test MSE is that epoch's.
    const last = e.finetune[n - 1]!;
    assert.ok(Math.abs(e.testMse! - last.testLoss) <= 1e-5 * last.testLoss, `page ${e.testMse} vs epoch ${n} ${last.testLoss}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.equal(download.suggestedFilename(), 'model.fine-tuned.onnx');
    assert.deepEqual(viewer.outside(page), [], 'the page and its worker ask nothing of the network but the local server');
    const session = await ort.InferenceSession.create(readFileSync((await download.path())!));
    try {
      const c = TUTORIAL_MODEL;
      const w = makeWindows(tutorialSeries(0), { window: c.window });
      const out = (await session.run({ x: new ort.Tensor('float32', w.x.slice(360 * c.window), [w.count - 360, c.window, 1]) })).y!.data as Float32Array;
      let sq = 0;
      for (let i = 0; i < out.length; i++) sq += (out[i]! - w.y[360 + i]!) ** 2;
      assert.ok(Math.abs(sq / out.length - last.testLoss) <= 1e-5 * last.testLoss, 'onnxruntime-node agrees on the downloaded weights');
    } finally {
      await session.release();
    }
  });

  test('a second fine-tune keeps the first curve and continues its epochs', async () => {
    const first = await seriesX(page, 'fine-tune 1 train');
    await page.fill('#train-epochs', '3');
    const e = await settle(page, () => page.click('#train'), 60_000);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.equal(e.finetune.length, 3);
    assert.equal(e.stopped, false);
    assert.equal(e.model, 'model.fine-tuned.onnx', 'a fine-tuned model keeps its name');
    const legend = await page.$$eval('#loss-chart .legend-item', (items) => items.map((i) => i.getAttribute('data-label')));
    assert.deepEqual(legend, ['train loss', 'test loss', 'fine-tune 1 train', 'fine-tune 1 test', 'fine-tune 2 train', 'fine-tune 2 test']);
    const again = await seriesX(page, 'fine-tune 1 train');
    const second = await seriesX(page, 'fine-tune 2 train');
    assert.equal(again[2], first[2], 'the first run keeps all its points');
    assert.equal(second[2], 3);
    assert.ok(second[0] > again[1], 'the second run starts after the first ends');
    await page.screenshot({ path: join(SHOTS, 'viewer-finetune-twice.png'), fullPage: true });
  });

  test("a model's own input and output names and the manifest's dims are what the page and the train step are fed", async () => {
    let e = await open(page, `${viewer.server.url}?model=models/named/model.onnx`);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.match((await page.textContent('#card'))!, /series float \[batch, window, 1\]/, 'model.onnx leaves its window open');
    assert.equal(e.window, TUTORIAL_MODEL.window, "the window from the manifest's input dims");
    await page.fill('#train-epochs', '2');
    e = await settle(page, () => page.click('#train'), 60_000);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.equal(e.finetune.length, 2);
    const last = e.finetune[1]!;
    assert.ok(Math.abs(e.testMse! - last.testLoss) <= 1e-5 * last.testLoss, `page ${e.testMse} vs epoch 2 ${last.testLoss}`);
    await page.screenshot({ path: join(SHOTS, 'viewer-finetune-named-io.png'), fullPage: true });
  });
});
