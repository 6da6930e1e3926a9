// What every browser test of the viewer needs: an artifact set on disk, the page served by the real viewer server,
// Debian's chromium driven by playwright-core with every request outside the local server refused, and waits for
// the page's queued actions.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { trainStepGraph } from '../../src/artifacts/train-step.ts';
import { forecasterModel, initParameters, parameterSpecs, TUTORIAL_MODEL } from '../../src/graph/model.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { ensureViewerBuilt } from '../../web/build.ts';
import type { Exposed } from '../../web/src/exposed.ts';
import { startViewerServer, type ViewerServer } from '../../web/server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SHOTS = join(REPO, 'test-output');

export const skipWithoutChromium = !existsSync(CHROMIUM) && process.env.CI !== 'true' ? `${CHROMIUM} is not installed (apt-get install chromium); CI requires it` : false;

export const exposed = (page: Page) => page.evaluate(() => (window as unknown as { __ingraph: Exposed }).__ingraph);

/** Runs `action` and waits until the page has finished the queued action it started. */
export async function settle(page: Page, action: () => Promise<unknown>, timeout = 30_000): Promise<Exposed> {
  const before = (await exposed(page)).settled;
  await action();
  await page.waitForFunction((n) => (window as unknown as { __ingraph: Exposed }).__ingraph.settled > n, before, { timeout });
  return exposed(page);
}

/** Loads the page and waits for its first action (opening the model) to finish. The wait is generous: on CI's two
 *  cores, with other test files' processes running beside it, opening a model once took over 30 s. */
export async function open(page: Page, url: string, timeout = 90_000): Promise<Exposed> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __ingraph?: Exposed }).__ingraph?.settled === 1, null, { timeout });
  return exposed(page);
}

/**
 * The tutorial model's artifact set as `npm run build-graph` and a short training leave it: model.onnx (weights of
 * seed `seed`), train_step.onnx, manifest.json, metrics.json and train-log.jsonl with the given losses. Without
 * `io` the manifest is one written before manifests named the input and output (its config names them); with it,
 * the model's input and output carry those names, the manifest lists them, and the window is `io.window` ('window'
 * leaves it open in model.onnx, as a model with a symbolic window would).
 */
export function writeArtifactSet(dir: string, o: { seed?: number; log?: number[]; testRange?: [number, number]; io?: { input: string; output: string; window?: 'window' } } = {}): Uint8Array {
  const c = TUTORIAL_MODEL;
  const base = forecasterModel(c);
  const io = o.io && { input: { name: o.io.input, dims: ['batch', c.window, c.features] }, output: { name: o.io.output, dims: base.output.dims } };
  const forecaster = io ? { ...base, ...io } : base;
  const declared = io && o.io?.window ? { ...forecaster, input: { ...io.input, dims: ['batch', o.io.window, c.features] } } : forecaster;
  const model = serializeModel(inferenceGraph(declared, initParameters(c, o.seed ?? 0)));
  const log = o.log ?? [0.4, 0.2, 0.05, 0.01];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), model);
  const adam = makeOptimizer('adam');
  writeFileSync(join(dir, 'train_step.onnx'), serializeModel(trainStepGraph(forecaster, adam)));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      format: 'ingraph-manifest',
      version: 1,
      config: c,
      ...io,
      opset: 18,
      parameters: parameterSpecs(c).map((s) => ({ name: s.name, dims: s.dims, dtype: 'float32' })),
      data: { source: 'tutorial', seed: 0, window: c.window, horizon: 1, split: { train: [0, 360], test: o.testRange ?? [360, 710] }, normalization: null },
      optimizer: { name: 'adam', lr: 0.01, state: adam.stateNames },
    }),
  );
  writeFileSync(
    join(dir, 'metrics.json'),
    JSON.stringify({ train_loss: 0.0031, test_mse: 0.0033, epochs: log.length, steps: 2 * log.length, train_seconds: 0.5, ep: 'cpu', settings: { lr: 0.01, batchSize: 64, dense: [] } }),
  );
  writeFileSync(join(dir, 'train-log.jsonl'), log.map((l, i) => JSON.stringify({ epoch: i + 1, train_loss: l, test_loss: l * 1.2, seconds: i + 1 })).join('\n'));
  return model;
}

export interface Viewer {
  server: ViewerServer;
  browser: Browser;
  /** A page of the given size that may reach only the local server. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** What a page (and its workers) asked of anything but the local server; each such request was refused. */
  outside(page: Page): string[];
  close(): Promise<void>;
}

export async function startViewer(models: string, extraArgs: string[] = []): Promise<Viewer> {
  assert.ok(existsSync(CHROMIUM), `CI needs Debian's chromium at ${CHROMIUM}`);
  mkdirSync(SHOTS, { recursive: true });
  await ensureViewerBuilt();
  const server = await startViewerServer({ port: 0, models, dist: join(REPO, 'web', 'dist') });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(extraArgs.length ? extraArgs : ['--disable-gpu'])],
  });
  const outside = new Map<Page, string[]>();
  return {
    server,
    browser,
    outside: (page) => outside.get(page) ?? [],
    async newPage(viewport = { width: 1400, height: 1000 }) {
      const page = await browser.newPage({ viewport, acceptDownloads: true });
      const asked: string[] = [];
      outside.set(page, asked);
      page.on('request', (r) => {
        if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) asked.push(r.url());
      });
      // Anything the page asks of the outside world would fail here; it must ask only its own server.
      await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The viewer on `models` with one page open: what most browser suites start in their before(). */
export async function openViewer(models: string, extraArgs: string[] = []): Promise<{ viewer: Viewer; page: Page }> {
  const viewer = await startViewer(models, extraArgs);
  return { viewer, page: await viewer.newPage() };
}

/** Closes the browser and server and removes the suite's models folder: what those suites do in their after(). */
export async function closeViewer(viewer: Viewer | undefined, models: string): Promise<void> {
  await viewer?.close();
  rmSync(models, { recursive: true, force: true });
}
