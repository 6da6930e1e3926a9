// A model PyTorch exported, after `build-graph --from`: the page opens its folder (manifest with config null, the
// source's own input and output names, trained and frozen values; the dynamo export keeps its weights in
// model.onnx.data), forecasts the tutorial series with it and fine-tunes it in the page with its train step.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { open, REPO, settle, SHOTS, skipWithoutChromium, openViewer, closeViewer, type Viewer } from './viewer-page.ts';

const FIXTURES = join(REPO, 'test', 'fixtures', 'torch');
const EXPORTS = ['lstm.legacy', 'lstm.dynamo', 'gru.dynamo', 'mlp.legacy', 'conv1d.legacy'];
const skip = skipWithoutChromium || (!existsSync(join(FIXTURES, 'lstm.legacy.onnx')) && 'needs the PyTorch exports in test/fixtures/torch (made by scripts/fixtures/export_torch.py)');

describe('a PyTorch export after build-graph --from', { skip }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-imported-'));
  let viewer: Viewer;
  let page: Page;

  before(async () => {
    for (const name of EXPORTS) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'build-graph', '--from', join(FIXTURES, `${name}.onnx`), '--out', join(models, name)], { cwd: REPO, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    ({ viewer, page } = await openViewer(models));
  });
  after(() => closeViewer(viewer, models));

  for (const name of EXPORTS) {
    test(`${name}: the page opens the folder, forecasts, and fine-tunes it with a falling test loss`, async () => {
      const manifest = JSON.parse(readFileSync(join(models, name, 'manifest.json'), 'utf8'));
      assert.equal(manifest.config, null, 'an imported model');
      let e = await open(page, `${viewer.server.url}?model=models/${name}/model.onnx`);
      assert.equal(e.status, 'ready', e.error ?? '');
      assert.equal(e.window, manifest.input.dims[1], "the window is the export's");
      const before = e.testMse!;
      assert.equal(await page.isDisabled('#train'), false, (await page.textContent('#train-status')) ?? '');
      await page.fill('#train-epochs', '3');
      await page.fill('#train-lr', '0.01');
      e = await settle(page, () => page.click('#train'), 120_000);
      assert.equal(e.status, 'ready', e.error ?? '');
      assert.equal(e.finetune.length, 3);
      const last = e.finetune[2]!;
      assert.ok(Math.abs(e.testMse! - last.testLoss) <= 1e-5 * last.testLoss, `page ${e.testMse} vs epoch 3 ${last.testLoss}`);
      assert.ok(e.testMse! < before, `test MSE ${before} before the fine-tune, ${e.testMse} after`);
      await page.screenshot({ path: join(SHOTS, `viewer-imported-${name}.png`), fullPage: true });
    });
  }
});
