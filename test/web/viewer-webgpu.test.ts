// WebGPU as it is: in headless Chromium with --enable-unsafe-webgpu the adapter is SwiftShader's, a software one,
// and onnxruntime-web 1.29 has no WebGPU LSTM kernel; the page names the adapter, says it is software, lists the
// nodes that run on the CPU whatever the provider, and says fine-tuning runs on wasm. Outputs match wasm's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { open, settle, SHOTS, skipWithoutChromium, startViewer, writeArtifactSet, type Viewer } from './viewer-page.ts';

describe('WebGPU in headless chromium', { skip: skipWithoutChromium }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-webgpu-'));
  let viewer: Viewer;

  before(async () => {
    writeArtifactSet(models);
    viewer = await startViewer(models, ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader']);
  });
  after(async () => {
    await viewer?.close();
    rmSync(models, { recursive: true, force: true });
  });

  test('names the adapter, says what runs on the CPU, and predicts what wasm predicts', async () => {
    const page = await viewer.newPage();
    const wasm = await open(page, viewer.server.url);
    assert.equal(wasm.status, 'ready', wasm.error ?? '');
    const e = await settle(page, () => page.selectOption('#ep', 'webgpu'));
    assert.equal(e.status, 'ready', e.error ?? '');
    await page.screenshot({ path: join(SHOTS, 'viewer-webgpu.png') });
    if (e.ep !== 'webgpu') {
      // This Chromium build offers no adapter at all: the page must say so rather than claim WebGPU.
      assert.match((await page.textContent('#ep-fallback'))!, /WebGPU not used \(.+\): running on wasm/);
      return;
    }
    const adapter = (await page.textContent('#webgpu-adapter'))!;
    assert.match(adapter, /^WebGPU adapter: .+/);
    if (/swiftshader/i.test(adapter)) assert.match(adapter, /a software adapter: WebGPU runs on the CPU here/);
    assert.match((await page.textContent('#webgpu-placement'))!, /4 of 5 nodes have a WebGPU kernel in onnxruntime-web 1\.29/);
    assert.match((await page.textContent('#webgpu-cpu'))!, /on the CPU \(wasm\) whatever the provider: LSTM$/);
    assert.match((await page.textContent('#webgpu-placement'))!, /Fine-tuning runs on wasm/);
    assert.deepEqual(await page.$$eval('#graph .gnode[data-cpu-only]', (g) => g.map((x) => x.getAttribute('data-op'))), ['LSTM']);
    assert.equal(await page.getAttribute('body', 'data-ep'), 'webgpu');
    await page.locator('section:has(#graph)').screenshot({ path: join(SHOTS, 'graph-webgpu-placement.png') });
    let worst = 0;
    e.outputs.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - wasm.outputs[i]!))));
    assert.ok(worst <= 1e-5, `WebGPU vs wasm outputs differ by ${worst}`);
  });
});
