// The loss and forecast charts: labels on a log axis spanning less than one 1-2-5 step, a readout under the
// pointer, legend entries that hide and show their series, no legend entry for a series without points, a
// fine-tune after a long trained record given room on the epoch axis, and text kept at its size on a 420 px phone.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { open, settle, SHOTS, skipWithoutChromium, openViewer, closeViewer, writeArtifactSet, type Viewer } from './viewer-page.ts';

const legend = (page: Page) => page.$$eval('#loss-chart .legend-item', (items) => items.map((i) => i.getAttribute('data-label')));
const drawn = (page: Page) => page.$$eval('#loss-chart .series', (gs) => gs.map((g) => g.getAttribute('data-label')));

describe('charts', { skip: skipWithoutChromium }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-charts-'));
  let viewer: Viewer;
  let page: Page;

  before(async () => {
    writeArtifactSet(join(models, 'narrow'), { log: [4.5e-3, 4.1e-3, 3.7e-3, 3.3e-3] });
    writeArtifactSet(join(models, 'notest'));
    writeFileSync(join(models, 'notest', 'train-log.jsonl'), [0.3, 0.1, 0.05].map((l, i) => JSON.stringify({ epoch: i + 1, train_loss: l })).join('\n'));
    writeArtifactSet(join(models, 'long'), { log: Array.from({ length: 200 }, (_, i) => 0.5 / (i + 1)) });
    ({ viewer, page } = await openViewer(models));
  });
  after(() => closeViewer(viewer, models));

  test('a log axis from 3.3e-3 to 5.4e-3 gets round labels inside it', async () => {
    const e = await open(page, `${viewer.server.url}?model=models/narrow/model.onnx`);
    assert.equal(e.status, 'ready', e.error ?? '');
    const ticks = (await page.$$eval('#loss-chart .y-tick', (ts) => ts.map((t) => t.textContent!))).map(Number);
    assert.ok(ticks.length >= 3, `y ticks ${ticks}`);
    for (const t of ticks) assert.ok(t >= 3.3e-3 * 0.95 && t <= 5.4e-3 * 1.05, `${t} lies on the axis`);
  });

  test('the pointer gets a readout, and legend entries hide and show their series', async () => {
    const area = (await page.$('#loss-chart .hover-area'))!;
    // The forecast panel's accuracy table can push the loss chart below the first screen.
    await area.scrollIntoViewIfNeeded();
    const box = (await area.boundingBox())!;
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    assert.equal(await page.getAttribute('#loss-chart .readout', 'visibility'), 'visible');
    assert.match((await page.textContent('#loss-chart .readout'))!, /^x 4train loss: 0\.0033test loss: 0\.00396$/);

    await page.click('#loss-chart .legend-item[data-label="test loss"]');
    assert.deepEqual(await drawn(page), ['train loss']);
    assert.equal(await page.getAttribute('#loss-chart .legend-item[data-label="test loss"]', 'class'), 'legend-item off');
    await page.click('#loss-chart .legend-item[data-label="test loss"]');
    assert.deepEqual(await drawn(page), ['train loss', 'test loss']);
  });

  test('a record without test losses lists no empty test series', async () => {
    const e = await open(page, `${viewer.server.url}?model=models/notest/model.onnx`);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.deepEqual(await legend(page), ['train loss']);
  });

  test('a fine-tune after 200 trained epochs gets room on the epoch axis', async () => {
    await open(page, `${viewer.server.url}?model=models/long/model.onnx`);
    await page.fill('#train-epochs', '4');
    const e = await settle(page, () => page.click('#train'), 60_000);
    assert.equal(e.status, 'ready', e.error ?? '');
    const span = async () => {
      const xs = (await page.getAttribute('#loss-chart .series[data-label="fine-tune 1 train"] polyline', 'points'))!.split(' ').map((p) => Number(p.split(',')[0]));
      return (xs[xs.length - 1]! - xs[0]!) / Number(await page.getAttribute('#loss-chart .frame', 'width'));
    };
    const zoomed = await span();
    assert.ok(zoomed > 0.25, `the fine-tune spans ${zoomed} of the axis`);
    assert.equal(await page.isVisible('#loss-range'), true);
    await page.screenshot({ path: join(SHOTS, 'viewer-chart-long-record.png'), fullPage: true });
    await page.click('#loss-range');
    assert.ok((await span()) < 0.05, 'the whole record squeezes the fine-tune, as asked');
    await page.click('#loss-range');
    assert.ok((await span()) > 0.25);
  });

  test('on a 420 px phone the charts are drawn at the width they get, so text keeps its size', async () => {
    const phone = await viewer.newPage({ width: 420, height: 900 });
    await open(phone, `${viewer.server.url}?model=models/narrow/model.onnx`);
    for (const id of ['forecast-chart', 'loss-chart']) {
      const m = await phone.$eval(`#${id} svg`, (svg) => ({
        drawn: svg.getBoundingClientRect().width,
        units: Number(svg.getAttribute('viewBox')!.split(' ')[2]),
        font: getComputedStyle(svg.querySelector('.axes text')!).fontSize,
        tickHeight: svg.querySelector('.axes text')!.getBoundingClientRect().height,
      }));
      assert.ok(m.drawn <= 420, `${id} is ${m.drawn} px wide`);
      assert.ok(Math.abs(m.drawn - m.units) <= 1, `${id}: one SVG unit per pixel (${m.units} units in ${m.drawn} px)`);
      assert.equal(m.font, '11px');
      assert.ok(m.tickHeight >= 10, `${id} tick labels are ${m.tickHeight} px tall`);
    }
    await phone.screenshot({ path: join(SHOTS, 'viewer-phone.png'), fullPage: true });
    await phone.close();
  });
});
