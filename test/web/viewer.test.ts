// The viewer in a real browser (Debian's chromium through playwright-core): the page's numbers are checked against
// onnxruntime-node on the same model and data, its plots and graph against what they must contain, and its failures
// against what a user must see. Screenshots go to test-output/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import type { Exposed } from '../../web/src/exposed.ts';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { makeWindows, parseCsvColumn, tutorialSeries } from '../../src/data/index.ts';
import { Graph } from '../../src/graph/graph.ts';
import { forecasterModel, forecaster, initParameters, TUTORIAL_MODEL } from '../../src/graph/model.ts';
import { Ops } from '../../src/graph/ops.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { onnx } from '../../src/onnx/proto.ts';
import { modelProto, serializeModel } from '../../src/onnx/serialize.ts';
import { exposed, open, REPO, settle, SHOTS, skipWithoutChromium, startViewer, writeArtifactSet, type Viewer } from './viewer-page.ts';

const TOL = 1e-5;
const c = TUTORIAL_MODEL;

/** onnxruntime-node's first output value for each row of x [rows, window, 1]. */
async function nodePredict(session: ort.InferenceSession, x: Float32Array, rows: number): Promise<Float32Array> {
  const out = await session.run({ x: new ort.Tensor('float32', x, [rows, c.window, 1]) });
  return out.y!.data as Float32Array;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= TOL, `${what}: max |page - onnxruntime-node| = ${worst} > ${TOL}`);
}

/**
 * A model as other exporters write them: other input and output names, a fixed batch of 1, and the weights in a
 * separate file (PyTorch's dynamo exporter writes model.onnx + model.onnx.data).
 */
function foreignModel(dataFile: string): { model: Uint8Array; data: Buffer } {
  const g = new Graph('torch_jit');
  const x = g.input('input.1', 'float32', [1, c.window, 1]);
  const weights = new Map([...initParameters(c, 7)].map(([name, t]) => [name, g.initializer(`onnx::${name}`, t)]));
  g.output(forecaster(new Ops(g), x, c, (n) => weights.get(n)!, 'output'));
  const proto = modelProto(g);
  const chunks: Buffer[] = [];
  let offset = 0;
  // Like PyTorch, only the weights go out; small constants (axes, shapes) stay inline, where shape inference needs them.
  proto.graph!.initializer = proto.graph!.initializer!.map((t) => {
    if (!t.name!.startsWith('onnx::')) return t;
    const raw = Buffer.from(t.rawData!);
    chunks.push(raw);
    const location = [
      { key: 'location', value: dataFile },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    offset += raw.length;
    return { name: t.name, dims: t.dims, dataType: t.dataType, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: location };
  });
  return { model: encodeModel(proto), data: Buffer.concat(chunks) };
}

function rank2Model(): Uint8Array {
  const g = new Graph('rank2');
  const x = g.input('x', 'float32', ['batch', 10]);
  g.output(new Ops(g).relu(x, 'y'));
  return serializeModel(g);
}

describe('web viewer in chromium', { skip: skipWithoutChromium }, () => {
  const models = mkdtempSync(join(tmpdir(), 'ingraph-viewer-'));
  const modelBytes = serializeModel(inferenceGraph(forecasterModel(c), initParameters(c, 0)));
  const series = tutorialSeries(0);
  const windows = makeWindows(series, { window: c.window });
  const testRange: [number, number] = [360, windows.count];
  let viewer: Viewer;
  let server: Viewer['server'];
  let page: Page;
  let reference: ort.InferenceSession;

  before(async () => {
    writeArtifactSet(models);
    writeFileSync(
      join(models, 'hostile.onnx'),
      serializeModel(inferenceGraph(forecasterModel(c), initParameters(c, 0)), {
        doc: '<img src=x onerror="window.__pwned=1">',
        metadata: { '<b>key</b>': '<script>window.__pwned=2</script>' },
      }),
    );
    writeFileSync(join(models, 'rank2.onnx'), rank2Model());
    const foreign = foreignModel('foreign.onnx.data');
    writeFileSync(join(models, 'foreign.onnx'), foreign.model);
    writeFileSync(join(models, 'foreign.onnx.data'), foreign.data);
    reference = await ort.InferenceSession.create(modelBytes);

    viewer = await startViewer(models);
    server = viewer.server;
    page = await viewer.newPage();
  });

  after(async () => {
    await viewer?.close();
    await reference?.release();
    rmSync(models, { recursive: true, force: true });
  });

  test('shows the card, the graph and the training record of models/model.onnx', async () => {
    const e = await open(page, server.url);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.equal(e.model, 'model.onnx');
    const card = await page.textContent('#card');
    for (const s of ['model.onnx (1.2 KiB)', 'ingraph 0.1.0', 'ai.onnx 18', 'x float [batch, 10, 1]', 'y float [batch, 1]', '166', 'LSTM', 'Gemm']) {
      assert.ok(card!.includes(s), `the card shows "${s}"`);
    }
    const nodes = await page.$$eval('#graph svg .gnode', (gs) => gs.map((g) => Array.from(g.querySelectorAll('text')).map((t) => t.textContent).join(' ')));
    assert.deepEqual(nodes, ['x [batch,10,1]', 'Transpose', 'LSTM in 1 · hidden 5', 'Squeeze', 'Relu', 'Gemm 5 → 1', 'y [batch,1]']);
    assert.equal(await page.$$eval('#graph svg path.edge', (p) => p.length), 6);
    const loss = await page.$$eval('#loss-chart .series', (gs) => gs.map((g) => [g.getAttribute('data-label'), g.querySelector('polyline')?.getAttribute('points')?.split(' ').length ?? 0]));
    assert.deepEqual(loss, [['train loss', 4], ['test loss', 4]]);
    assert.match((await page.textContent('#metrics-result'))!, /final test MSE0\.0033/);
    assert.equal(await page.isEnabled('#train'), true);
    await page.screenshot({ path: join(SHOTS, 'viewer-model.png'), fullPage: true });
  });

  test('predicts what onnxruntime-node predicts: one step ahead and rolled out', async () => {
    const e = await exposed(page);
    assert.deepEqual(e.test, testRange);
    const rows = testRange[1] - testRange[0];
    const testX = windows.x.slice(testRange[0] * c.window, testRange[1] * c.window);
    assertClose(e.outputs, await nodePredict(reference, testX, rows), 'one-step outputs');

    const input = testX.slice(0, c.window);
    const rollout = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      rollout[i] = (await nodePredict(reference, input, 1))[0]!;
      input.copyWithin(0, 1);
      input[c.window - 1] = rollout[i]!;
    }
    assertClose(e.rollout!, rollout, 'rollout');
    const targets = series.slice(testRange[0] + c.window, testRange[1] + c.window);
    assert.ok(Math.abs(e.testMse! - e.predictions.reduce((s, p, i) => s + (p - targets[i]!) ** 2, 0) / rows) < 1e-12);

    assert.equal(e.ep, 'wasm');
    assert.ok(e.latencyMs! > 0);
    assert.match((await page.textContent('#inference'))!, /provider wasm.*batch of 350 rows: [\d.]+ ms/);
    const lines = await page.$$eval('#forecast-chart .series', (gs) => gs.map((g) => [g.getAttribute('data-label'), g.querySelector('polyline')?.getAttribute('points')?.split(' ').length ?? 0]));
    assert.deepEqual(lines, [['actual', 720], ['one-step forecast', 350], ['next 1 past the end', 1], ['350-step rollout', 350]]);
  });

  test('renders strings from a model as text, never as HTML', async () => {
    const e = await open(page, `${server.url}?model=models/hostile.onnx`);
    assert.equal(e.status, 'ready', e.error ?? '');
    const card = (await page.textContent('#card'))!;
    assert.ok(card.includes('<img src=x onerror="window.__pwned=1">'));
    assert.ok(card.includes('<script>window.__pwned=2</script>'));
    assert.equal(await page.$$eval('#card img, #card script, #card b', (els) => els.length), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  test('a file that is not ONNX shows an error, and the page keeps working', async () => {
    await open(page, server.url);
    const bad = await settle(page, () => page.setInputFiles('#file', { name: 'notes.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from('these are notes, not a model\n') }));
    assert.equal(bad.status, 'error');
    assert.match(bad.error!, /^notes\.onnx: /);
    assert.equal(await page.isVisible('#error'), true);
    assert.match((await page.textContent('#error-text'))!, /notes\.onnx: (cannot read ONNX model|not an ONNX model)/);
    assert.equal(bad.model, 'model.onnx', 'the model shown before stays');
    assert.match(bad.error!, /model\.onnx is still shown and unchanged/);
    assert.equal(await page.textContent('#status'), 'model.onnx · wasm · not replaced');
    assert.ok((await page.textContent('#card'))!.includes('model.onnx'));
    await page.screenshot({ path: join(SHOTS, 'viewer-error.png') });

    const good = await settle(page, () => page.setInputFiles('#file', { name: 'picked.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(modelBytes) }));
    assert.equal(good.status, 'ready', good.error ?? '');
    assert.equal(good.model, 'picked.onnx');
    assert.equal(await page.isVisible('#error'), false);
    assertClose(good.outputs, (await exposed(page)).outputs, 'picked model');
  });

  test('runs a model this project did not write: other names, a fixed batch of 1, external weights', async () => {
    const e = await open(page, `${server.url}?model=models/foreign.onnx`);
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.match((await page.textContent('#card'))!, /input\.1 float \[1, 10, 1\]/);
    const session = await ort.InferenceSession.create(join(models, 'foreign.onnx'));
    try {
      const expected: number[] = [];
      for (let r = testRange[0]; r < testRange[1]; r++) {
        const out = await session.run({ 'input.1': new ort.Tensor('float32', windows.x.slice(r * c.window, (r + 1) * c.window), [1, c.window, 1]) });
        expected.push((out.output!.data as Float32Array)[0]!);
      }
      assertClose(e.outputs, expected, 'foreign model outputs');
    } finally {
      await session.release();
    }
  });

  test('a model with another input rank gets a clear message; its card and graph still show', async () => {
    const e = await open(page, `${server.url}?model=models/rank2.onnx`);
    assert.equal(e.status, 'error');
    assert.match(e.error!, /input "x" has rank 2 \[batch, 10\]; a forecaster takes rank 3/);
    assert.equal(await page.isVisible('#error'), true);
    assert.deepEqual(await page.$$eval('#graph svg .gnode', (gs) => gs.map((g) => g.getAttribute('data-op'))), ['', 'Relu', '']);
    assert.ok((await page.textContent('#card'))!.includes('rank2.onnx'));
  });

  test('a missing model says how to make one', async () => {
    const e = await open(page, `${server.url}?model=models/none.onnx`);
    assert.equal(e.status, 'error');
    assert.match(e.error!, /models\/none\.onnx: HTTP 404/);
  });

  test('forecasts a CSV dropped on the page, column chosen by name', async () => {
    await open(page, server.url);
    const csv = ['time,value', ...Array.from({ length: 300 }, (_, i) => `${i},${Math.cos(i / 20).toFixed(6)}`)].join('\n');
    await page.fill('#csv-column', 'value');
    const e = await settle(page, () =>
      page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'wave.csv', { type: 'text/csv' }));
        document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, csv),
    );
    assert.equal(e.status, 'ready', e.error ?? '');
    assert.match((await page.textContent('#data-info'))!, /sourcewave\.csv.*points300/);
    const w = makeWindows(parseCsvColumn(csv, { column: 'value' }), { window: c.window });
    assert.deepEqual(e.test, [232, 290], 'the trainer\'s 80/20 split, as for any series but the tutorial');
    assertClose(e.outputs, await nodePredict(reference, w.x.slice(232 * c.window), 58), 'CSV outputs');
    await page.screenshot({ path: join(SHOTS, 'viewer-csv.png'), fullPage: true });
  });

  /** Selects WebGPU on a fresh page whose navigator.gpu is replaced by the expression `gpu` before the viewer's
   *  scripts run (none: the browser's own), and checks the page against onnxruntime-node whatever provider it ends
   *  up on. The stub is source text: a function would be serialised with what tsx's transform adds to it. */
  async function selectWebgpu(gpu?: string): Promise<{ e: Exposed; used: string | null; fallback: string | null }> {
    const p = await viewer.newPage();
    try {
      if (gpu) await p.addInitScript(`Object.defineProperty(Navigator.prototype, 'gpu', { configurable: true, get: () => (${gpu}) });`);
      await open(p, server.url);
      // The stub is in place (a failing init script would leave the browser's own WebGPU silently).
      if (gpu) assert.equal(await p.evaluate('navigator.gpu?.isStub'), true);
      const e = await settle(p, () => p.selectOption('#ep', 'webgpu'));
      assert.equal(e.status, 'ready', e.error ?? '');
      const rows = testRange[1] - testRange[0];
      assertClose(e.outputs, await nodePredict(reference, windows.x.slice(testRange[0] * c.window, testRange[1] * c.window), rows), `outputs on ${e.ep}`);
      const text = async (sel: string) => ((await p.$(sel)) ? p.textContent(sel) : null);
      return { e, used: await text('#ep-used'), fallback: await text('#ep-fallback') };
    } finally {
      await p.close();
    }
  }

  test('WebGPU is used when the browser has an adapter; without one the page says so and runs on wasm', async (t) => {
    // Whether this browser has an adapter is asked here, apart from the page's own check.
    const probe = await viewer.newPage();
    let hasAdapter: boolean;
    try {
      await probe.goto(server.url);
      hasAdapter = await probe.evaluate(async () => {
        const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
        return gpu ? (await gpu.requestAdapter().catch(() => null)) !== null : false;
      });
    } finally {
      await probe.close();
    }
    const { e, used, fallback } = await selectWebgpu();
    t.diagnostic(`this browser ${hasAdapter ? 'has' : 'has no'} WebGPU adapter`);
    if (hasAdapter) {
      assert.deepEqual({ ep: e.ep, fallback: e.fallback, used, shown: fallback }, { ep: 'webgpu', fallback: null, used: 'webgpu', shown: null });
    } else {
      assert.deepEqual(
        { ep: e.ep, fallback: e.fallback, used, shown: fallback },
        { ep: 'wasm', fallback: 'this browser has no WebGPU adapter', used: 'wasm', shown: 'WebGPU not used (this browser has no WebGPU adapter): running on wasm' },
      );
    }
  });

  test('a browser whose WebGPU gives no adapter: the page says so and runs on wasm', async () => {
    const { e, used, fallback } = await selectWebgpu('{ isStub: true, requestAdapter: async () => null }');
    assert.deepEqual(
      { ep: e.ep, fallback: e.fallback, used, shown: fallback },
      { ep: 'wasm', fallback: 'this browser has no WebGPU adapter', used: 'wasm', shown: 'WebGPU not used (this browser has no WebGPU adapter): running on wasm' },
    );
  });

  test('a WebGPU adapter whose device cannot be created: the page shows the failure and runs on wasm', async (t) => {
    const { e, used, fallback } = await selectWebgpu(
      "{ isStub: true, requestAdapter: async () => ({ features: new Set(), limits: {}, info: {}, requestDevice: async () => { throw new Error('no device here'); } }) }",
    );
    assert.equal(e.ep, 'wasm');
    assert.equal(used, 'wasm');
    assert.match(e.fallback ?? '', /^WebGPU failed: .+/);
    assert.equal(fallback, `WebGPU not used (${e.fallback}): running on wasm`);
    t.diagnostic(fallback);
  });

  test('fine-tunes in the browser with train_step.onnx: the loss falls and the download holds the new weights', async () => {
    await open(page, server.url);
    await page.fill('#train-epochs', '8');
    const e = await settle(page, () => page.click('#train'));
    assert.equal(e.status, 'ready', e.error ?? '');
    const losses = e.finetune.map((r) => r.trainLoss);
    assert.equal(losses.length, 8);
    assert.ok(losses[7]! < losses[0]! / 4, `train loss ${losses[0]} -> ${losses[7]}`);
    assert.ok(e.finetune[7]!.testLoss < e.finetune[0]!.testLoss / 4, 'test loss falls too');
    assert.equal(e.model, 'model.fine-tuned.onnx');
    const live = await page.$$eval('#loss-chart .series[data-label="fine-tune 1 train"] polyline', (p) => p[0]?.getAttribute('points')?.split(' ').length ?? 0);
    assert.equal(live, 8);
    await page.screenshot({ path: join(SHOTS, 'viewer-finetune.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert.equal(download.suggestedFilename(), 'model.fine-tuned.onnx', 'the download is not named like its source');
    const tuned = readFileSync((await download.path())!);
    assert.ok(!tuned.equals(modelBytes));
    const session = await ort.InferenceSession.create(tuned);
    try {
      const rows = testRange[1] - testRange[0];
      assertClose(e.outputs, await nodePredict(session, windows.x.slice(testRange[0] * c.window), rows), 'fine-tuned outputs');
      assert.deepEqual(session.inputNames, ['x']);
      assert.deepEqual(session.outputNames, ['y']);
    } finally {
      await session.release();
    }
  });

  test('npm run viewer builds, serves the page and the models, and prints the URL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'viewer', '--port', '0', '--models', models], { cwd: REPO });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
          if (m) ok(m[0]);
        });
        child.on('exit', (code) => fail(new Error(`viewer exited with ${code}: ${out}`)));
      });
      assert.equal((await fetch(url)).status, 200);
      const model = await fetch(new URL('models/model.onnx', url));
      assert.ok(Buffer.from(await model.arrayBuffer()).equals(modelBytes));
    } finally {
      child.kill();
    }
  });
});

test('npm run viewer rejects a models folder that does not exist', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'viewer', '--models', join(tmpdir(), 'ingraph-no-such-folder')], { cwd: REPO });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  const code = await new Promise((ok) => child.on('exit', ok));
  assert.equal(code, 1);
  assert.match(err, /^error: --models .*ingraph-no-such-folder: no such folder/);
});
