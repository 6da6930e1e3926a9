// What the page says when something goes wrong, and what it keeps: a rejected CSV leaves the data as it was, a
// model URL the Content-Security-Policy blocks says so, random bytes get a sentence instead of decoder internals,
// ?csv= opens a series by URL, a model from another tool gets a hint that fits it, and metrics.json reads as a
// table.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { Rng } from '../../src/data/index.ts';
import { torchLegacyForecaster } from './torch-export.ts';
import { open, settle, SHOTS, skipWithoutChromium, openViewer, closeViewer, writeArtifactSet, type Viewer } from './viewer-page.ts';

const wave = (points: number) => ['time,value', ...Array.from({ length: points }, (_, i) => `${i},${Math.cos(i / 20).toFixed(6)}`)].join('\n');

async function dropCsv(page: Page, name: string, text: string) {
  return settle(page, () =>
    page.evaluate(
      ([n, t]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t!], n!, { type: 'text/csv' }));
        document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [name, text],
    ),
  );
}

describe('error states', { skip: skipWithoutChromium }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-errors-'));
  let viewer: Viewer;
  let page: Page;

  before(async () => {
    writeArtifactSet(models);
    writeFileSync(join(models, 'wave.csv'), wave(300));
    mkdirSync(join(models, 'torch'));
    writeFileSync(join(models, 'torch', 'legacy.onnx'), torchLegacyForecaster());
    ({ viewer, page } = await openViewer(models));
  });
  after(() => closeViewer(viewer, models));

  test('a CSV too short to split does not become the data; the next model still runs', async () => {
    await open(page, viewer.server.url);
    await page.fill('#csv-column', 'value');
    const bad = await dropCsv(page, 'short.csv', wave(8));
    assert.equal(bad.status, 'error');
    assert.match(bad.error!, /^short\.csv: .+\nThe data stays the tutorial series\.\nmodel\.onnx is still shown and unchanged\.$/);
    assert.match((await page.textContent('#data-info'))!, /^sourcetutorial/);
    assert.deepEqual(bad.test, [360, 710], 'the forecasts are the tutorial series\' again');
    await page.screenshot({ path: join(SHOTS, 'viewer-short-csv.png') });

    const next = await open(page, `${viewer.server.url}?model=models/torch/legacy.onnx`);
    assert.equal(next.status, 'ready', next.error ?? '');
  });

  test('a ?model= URL the page may not fetch says the Content-Security-Policy blocked it', async () => {
    const e = await open(page, `${viewer.server.url}?model=${encodeURIComponent('http://localhost:9/elsewhere/model.onnx')}`);
    assert.equal(e.status, 'error');
    assert.match(e.error!, /^http:\/\/localhost:9\/elsewhere\/model\.onnx: blocked by this page's Content-Security-Policy, which lets it fetch only from its own server/);
    assert.doesNotMatch(e.error!, /Failed to fetch/);
  });

  test('random bytes get a sentence, not the protobuf decoder\'s internals; the model shown stays', async () => {
    await open(page, viewer.server.url);
    const rng = new Rng(7);
    const bytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rng.next() * 256)));
    const e = await settle(page, () => page.setInputFiles('#file', { name: 'noise.onnx', mimeType: 'application/octet-stream', buffer: bytes }));
    assert.equal(e.status, 'error');
    assert.match(e.error!, /^noise\.onnx: .*An \.onnx file holds an ONNX ModelProto; this one does not read as one/);
    assert.doesNotMatch(e.error!, /index out of range|invalid wire type|\d+ > \d+/);
    assert.equal(e.model, 'model.onnx');
    assert.equal(await page.textContent('#status'), 'model.onnx · wasm · not replaced');
  });

  test('?csv= opens a series by URL, with ?column= naming its column', async () => {
    const e = await open(page, `${viewer.server.url}?csv=models/wave.csv&column=value`);
    // The model opens on the tutorial series, then the CSV replaces it: two queued steps in one action.
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.match((await page.textContent('#data-info'))!, /sourcewave\.csv.*points300/);
    assert.deepEqual(e.test, [232, 290], 'the trainer\'s 80/20 split');
  });

  test('a model from another tool gets a hint that fits it', async () => {
    const e = await open(page, `${viewer.server.url}?model=models/torch/legacy.onnx`);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.match((await page.textContent('#train-status'))!, /^no train_step\.onnx beside this model: it was written by pytorch 2\.5\.1, and fine-tuning here needs the train step this project builds for its own forecasters/);
    assert.equal(await page.isDisabled('#train'), true);
  });

  test('metrics.json reads as a labelled table, its settings folded beneath', async () => {
    await open(page, viewer.server.url);
    const rows = await page.$$eval('#metrics-result tr', (trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]));
    assert.deepEqual(rows.slice(0, 3), [['final train loss', '0.0031'], ['final test MSE', '0.0033'], ['epochs', '4']]);
    const settings = await page.$$eval('#metrics-settings tr', (trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]));
    assert.deepEqual(settings, [['learning rate', '0.01'], ['batch size', '64'], ['dense layers after the LSTM', 'none']]);
    assert.doesNotMatch((await page.textContent('#metrics'))!, /settings\.|\[\]/);
  });
});
