// The same engine in a real browser: the 3-feature, 2-output scenario bundled with onnxruntime-web (wasm) runs in
// Debian's chromium and trains as it does on onnxruntime-node, epoch for epoch.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import * as ort from 'onnxruntime-node';
import { chromium, type Browser } from 'playwright-core';
import { runScenario, type ScenarioResult } from './scenario.ts';

const CHROMIUM = '/usr/bin/chromium';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ORT_DIST = join(REPO, 'node_modules', 'onnxruntime-web', 'dist');
const skip = !existsSync(CHROMIUM) && process.env.CI !== 'true' ? `${CHROMIUM} is not installed (apt-get install chromium); CI requires it` : false;

const ENTRY = `
import * as ort from 'onnxruntime-web';
import { runScenario } from './test/engine/scenario.ts';
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = 1;
window.runScenario = () => runScenario(ort, (bytes) => ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }));
`;

let server: Server;
let browser: Browser;
let url = '';

before(async () => {
  if (skip) return;
  const bundle = await build({ stdin: { contents: ENTRY, resolveDir: REPO, loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
  const js = bundle.outputFiles[0]!.contents;
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/engine.js"></script>');
    if (path === '/engine.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    const file = normalize(join(ORT_DIST, path.replace(/^\/ort\//, '')));
    if (path.startsWith('/ort/') && file.startsWith(ORT_DIST) && existsSync(file)) {
      const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      return res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok(null)));
});

test('the engine trains a 3-feature, 2-output model in the browser as it does in Node', { skip }, async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => typeof (window as unknown as { runScenario?: unknown }).runScenario === 'function', null, { timeout: 30_000 });
  const inBrowser = await page.evaluate(() => (window as unknown as { runScenario: () => Promise<ScenarioResult> }).runScenario());
  assert.deepEqual(errors, []);
  const inNode = await runScenario(ort, (bytes) => ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 }));
  assert.equal(inBrowser.epochLosses.length, 30);
  assert.ok(inBrowser.epochLosses.at(-1)! < inBrowser.epochLosses[0]! / 5, `browser: epoch 1 ${inBrowser.epochLosses[0]}, epoch 30 ${inBrowser.epochLosses.at(-1)}`);
  // Two builds of ONNX Runtime (native and wasm) may round differently; 30 epochs of Adam keep them this close.
  inBrowser.epochLosses.forEach((l, i) => {
    const n = inNode.epochLosses[i]!;
    assert.ok(Math.abs(l - n) <= 1e-4 * n, `epoch ${i + 1}: browser ${l} vs node ${n}`);
  });
  inBrowser.firstEpochK1.forEach((l, i) => assert.ok(Math.abs(l - inNode.firstEpochK1[i]!) <= 1e-5 * inNode.firstEpochK1[i]!, `step ${i + 1}`));
  await page.close();
});
