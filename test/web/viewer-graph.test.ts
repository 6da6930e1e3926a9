// The graph view on models as others write them and on this project's training graphs: laid out without
// overlapping boxes, constants folded until asked for, shapes on edges, a click shows a node's attributes and its
// weights' statistics, search, zoom and fit, and a Loop's body expands. Screenshots at 1400x900 and 420x900 go to
// test-output/ (look at them when the view changes).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeModel } from '../../src/onnx/codec.ts';
import { torchLegacyForecaster } from './torch-export.ts';
import { open, REPO, SHOTS, skipWithoutChromium, startViewer, writeArtifactSet, type Viewer } from './viewer-page.ts';

const SIZES = [
  { width: 1400, height: 900 },
  { width: 420, height: 900 },
];

/** Pairs of drawn boxes that overlap (screen rectangles), by their titles. */
async function overlaps(page: Page): Promise<string[]> {
  return page.$$eval('#graph .gnode', (gs) => {
    const r = gs.map((g) => ({ b: g.getBoundingClientRect(), t: g.getAttribute('data-id') }));
    const out: string[] = [];
    for (let i = 0; i < r.length; i++) {
      for (let j = i + 1; j < r.length; j++) {
        const a = r[i]!.b;
        const b = r[j]!.b;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(`${r[i]!.t} / ${r[j]!.t}`);
      }
    }
    return out;
  });
}

const scale = (page: Page) => page.$eval('#graph .viewport', (g) => Number(/scale\(([\d.]+)\)/.exec(g.getAttribute('transform') ?? '')?.[1]));

describe('graph view', { skip: skipWithoutChromium }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-graph-'));
  let viewer: Viewer;

  before(async () => {
    writeArtifactSet(models);
    mkdirSync(join(models, 'torch'));
    writeFileSync(join(models, 'torch', 'legacy.onnx'), torchLegacyForecaster());
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'build-graph', '--out', join(models, 'full')], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    viewer = await startViewer(models);
  });
  after(async () => {
    await viewer?.close();
    rmSync(models, { recursive: true, force: true });
  });

  for (const size of SIZES) {
    test(`a PyTorch legacy export at ${size.width}x${size.height}: folded, no overlaps, shapes on edges, details on click`, async () => {
      const page = await viewer.newPage(size);
      const e = await open(page, `${viewer.server.url}?model=models/torch/legacy.onnx`);
      assert.equal(e.status, 'ready', e.error ?? '');
      assert.match((await page.textContent('#graph-note'))!, /^28 top-level nodes, 20 constants and shape ops folded$/);
      const ops = await page.$$eval('#graph .gnode.node', (gs) => gs.map((g) => g.getAttribute('data-op')));
      assert.deepEqual(ops, ['Transpose', 'LSTM', 'Squeeze', 'Transpose', 'Gather', 'Gemm', 'Relu', 'Gemm']);
      assert.deepEqual(await overlaps(page), []);
      const labels = await page.$$eval('#graph .edge-label', (ts) => ts.map((t) => t.textContent));
      assert.ok(labels.includes('[batch_size,10,1]'), `edge labels ${labels}`);
      await page.locator('section:has(#graph)').screenshot({ path: join(SHOTS, `graph-torch-legacy-${size.width}.png`) });

      await page.click('#graph .gnode[data-op="LSTM"]');
      const details = (await page.textContent('#graph-details'))!;
      assert.match(details, /hidden_size5/);
      assert.match(details, /onnx::LSTM_87 float32 \[1,20,1\], 20 values; min -?[\d.]+, max [\d.]+, mean -?[\d.e-]+, std [\d.]+/);
      assert.match(details, /\/lstm\/ConstantOfShape_\d+_output_0 shape unknown/);

      await page.uncheck('#graph-fold');
      const unfolded = await page.$$eval('#graph .gnode.node', (gs) => gs.map((g) => g.getAttribute('data-op')));
      assert.equal(unfolded.length, 28);
      assert.equal(unfolded.filter((o) => o === 'Constant').length, 10);
      assert.deepEqual(await overlaps(page), []);
      await page.check('#graph-fold');

      await page.fill('#graph-search', 'fc2');
      assert.equal(await page.textContent('#graph-matches'), '1 match');
      await page.press('#graph-search', 'Enter');
      assert.equal(await page.getAttribute('#graph .gnode.selected', 'data-op'), 'Gemm');
      const k = await scale(page);
      await page.click('#graph-zoom-in');
      assert.ok((await scale(page)) > k);
      await page.click('#graph-fit');
      const fit = await page.$eval('#graph .viewport', (g) => {
        const box = g.getBoundingClientRect();
        const stage = g.closest('.graph-stage')!.getBoundingClientRect();
        return box.left >= stage.left - 1 && box.right <= stage.right + 1 && box.top >= stage.top - 1 && box.bottom <= stage.bottom + 1;
      });
      assert.equal(fit, true, 'fit shows the whole graph inside its box');
      await page.close();
    });

    test(`training_model.onnx at ${size.width}x${size.height}: every node laid out without overlaps`, async () => {
      const page = await viewer.newPage(size);
      await open(page, `${viewer.server.url}?model=models/full/training_model.onnx`);
      const note = /^(\d+) top-level nodes, (\d+) constants and shape ops folded/.exec((await page.textContent('#graph-note'))!);
      assert.ok(note, 'the page says how many nodes it drew and folded');
      const inFile = decodeModel(new Uint8Array(readFileSync(join(models, 'full', 'training_model.onnx')))).graph!.node!.length;
      assert.equal(Number(note[1]), inFile, 'the count is the file\'s nodes');
      assert.ok(Number(note[2]) > 0 && Number(note[2]) < inFile, 'some of them folded');
      assert.deepEqual(await overlaps(page), []);
      // No value_info in the file: the shapes on inner edges come from the builder's shape inference.
      const labels = new Set(await page.$$eval('#graph .edge-label', (ts) => ts.map((t) => t.textContent)));
      for (const l of ['[10,1,batch,5]', '[10,batch,5]', '[20,6]']) assert.ok(labels.has(l), `an edge says ${l}`);
      await page.locator('section:has(#graph)').screenshot({ path: join(SHOTS, `graph-training-model-${size.width}.png`) });
      await page.click('#graph-fit');
      await page.locator('section:has(#graph)').screenshot({ path: join(SHOTS, `graph-training-model-${size.width}-fit.png`) });
      assert.deepEqual(viewer.outside(page), []);
      await page.close();
    });
  }

  test("train_step.onnx: the Loop's body expands in place and folds back", async () => {
    const page = await viewer.newPage();
    await open(page, `${viewer.server.url}?model=models/full/train_step.onnx`);
    const before = await page.$$eval('#graph .gnode', (g) => g.length);
    await page.click('#graph .gnode[data-op="Loop"] [data-expand]');
    assert.equal(await page.$$eval('#graph .cluster', (c) => c.length), 1);
    const inside = await page.$$eval('#graph .gnode', (g) => g.filter((x) => x.getAttribute('data-id')!.includes('/body/')).length);
    assert.ok(inside > 100, `${inside} boxes in the body`);
    assert.deepEqual(await overlaps(page), []);
    await page.locator('section:has(#graph)').screenshot({ path: join(SHOTS, 'graph-train-step-loop.png') });
    await page.click('#graph .gnode[data-op="Loop"] [data-expand]');
    assert.equal(await page.$$eval('#graph .gnode', (g) => g.length), before);
    await page.close();
  });
});
