// Times train_step.onnx (the fused train step the viewer fine-tunes with) in headless Chromium on onnxruntime-web's
// WebGPU provider against its wasm provider: one epoch of the tutorial (360 rows, batch 64, 6 optimizer steps in
// the ONNX Loop) per run, median of 9 runs after one warm-up, and the largest difference between the two
// providers' updated parameters. Prints the adapter Chromium offers (SwiftShader, a software one, when headless).
// onnxruntime-web's ort.min.js is the build the viewer bundles (JSEP: ort-wasm-simd-threaded.jsep.wasm). The page is
// served from memory by Playwright's router, so it loads nothing but onnxruntime-web's own files.
// Usage: tsx scripts/webgpu-train-step.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { trainStepGraph } from '../src/artifacts/train-step.ts';
import { makeWindows, tutorialSeries } from '../src/data/index.ts';
import { forecasterModel, initParameters, parameterSpecs, TUTORIAL_MODEL } from '../src/graph/model.ts';
import { serializeModel } from '../src/onnx/serialize.ts';
import { makeOptimizer } from '../src/optim/index.ts';

const ORT = fileURLToPath(new URL('../node_modules/onnxruntime-web/dist/', import.meta.url));
// localhost, so the page is a secure context (WebGPU needs one); Playwright's router answers before any network.
const ORIGIN = 'http://localhost:9';
const c = TUTORIAL_MODEL;
const ROWS = 360;
const BATCH = 64;

const step = serializeModel(trainStepGraph(forecasterModel(c), makeOptimizer('adam')));
const init = initParameters(c, 0);
const params = Float32Array.from(parameterSpecs(c).flatMap((s) => Array.from(init.get(s.name)!.data as Float32Array)));
const w = makeWindows(tutorialSeries(0), { window: c.window });
const x = Array.from(w.x.subarray(0, ROWS * c.window));
const target = Array.from(w.y.subarray(0, ROWS));
const offsets = Array.from({ length: Math.ceil(ROWS / BATCH) + 1 }, (_, k) => Math.min(k * BATCH, ROWS));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--enable-unsafe-webgpu'] });
try {
  const page = await browser.newPage();
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><script src="/ort/ort.min.js"></script>' });
    if (path === '/train_step.onnx') return route.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(step) });
    if (path.startsWith('/ort/')) {
      const file = path.slice('/ort/'.length);
      const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      return route.fulfill({ contentType: type, body: readFileSync(join(ORT, file)) });
    }
    return route.fulfill({ status: 404, body: '' });
  });
  await page.route((url) => url.origin !== ORIGIN, (route) => route.abort());
  await page.goto(`${ORIGIN}/`);
  // The page's code is a string: a function here would be transpiled with helpers the page does not have.
  const input = JSON.stringify({ params: Array.from(params), x, target, offsets, rows: ROWS, window: c.window });
  const result = (await page.evaluate(`(async () => {
    const { params, x, target, offsets, rows, window } = ${input};
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = 1;
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    const bytes = new Uint8Array(await (await fetch('/train_step.onnx')).arrayBuffer());
    const out = { adapter: adapter ? [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') : null };
    const finals = {};
    for (const ep of ['wasm', 'webgpu']) {
      try {
        const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
        const P = params.length;
        const feeds = {
          params: new ort.Tensor('float32', Float32Array.from(params), [P]),
          step: new ort.Tensor('int64', BigInt64Array.of(1n), [1]),
          learning_rate: new ort.Tensor('float32', Float32Array.of(0.01), [1]),
          x: new ort.Tensor('float32', Float32Array.from(x), [rows, window, 1]),
          target: new ort.Tensor('float32', Float32Array.from(target), [rows, 1]),
          offsets: new ort.Tensor('int64', BigInt64Array.from(offsets.map(BigInt)), [offsets.length]),
        };
        for (const n of s.inputNames) if (!(n in feeds)) feeds[n] = new ort.Tensor('float32', new Float32Array(P), [P]);
        const first = await s.run(feeds);
        finals[ep] = await first['params.out'].getData();
        const times = [];
        for (let i = 0; i < 9; i++) {
          const t0 = performance.now();
          const r = await s.run(feeds);
          await r['params.out'].getData();
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        out[ep] = { medianMs: +times[4].toFixed(2), minMs: +times[0].toFixed(2), maxMs: +times[8].toFixed(2) };
        await s.release();
      } catch (e) {
        out[ep] = { error: String(e && e.message ? e.message : e).slice(0, 300) };
      }
    }
    if (finals.wasm && finals.webgpu) {
      let worst = 0;
      for (let i = 0; i < finals.wasm.length; i++) worst = Math.max(worst, Math.abs(finals.wasm[i] - finals.webgpu[i]));
      out.maxParamDiff = worst;
      let moved = 0;
      for (let i = 0; i < finals.wasm.length; i++) moved = Math.max(moved, Math.abs(finals.wasm[i] - params[i]));
      out.maxParamStepWasm = moved;
    }
    return out;
  })()`)) as Record<string, unknown>;
  console.log(`adapter: ${result.adapter ?? 'none'}`);
  console.log(`train_step.onnx, one epoch (${ROWS} rows, batch ${BATCH}, ${offsets.length - 1} steps), median of 9 runs:`);
  for (const ep of ['wasm', 'webgpu']) console.log(`  ${ep.padEnd(7)} ${JSON.stringify(result[ep])}`);
  if (result.maxParamDiff !== undefined) {
    // Adam moves each parameter by up to about lr per step whatever the gradient's size, so rounding that flips a
    // near-zero gradient's sign shows up at that scale: compare with how far wasm moved the parameters.
    console.log(`  max |params wasm - params webgpu| after one run: ${result.maxParamDiff} (wasm moved a parameter by at most ${result.maxParamStepWasm})`);
  }
} finally {
  await browser.close();
}
