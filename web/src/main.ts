// The page: opens a model (models/model.onnx by default, ?model=, the file picker or drag and drop), shows its
// card and graph, forecasts the data with it, shows its training, and fine-tunes it in the browser. Every action
// runs in one queue, so a file dropped mid-run waits its turn; a failure shows in the error bar and the page keeps
// what it had.
import './style.css';
import { decodeModel } from '../../src/onnx/codec.ts';
import { inspectModel, type ModelInfo } from '../../src/onnx/inspect.ts';
import { onnx, type OnnxTypes as T } from '../../src/onnx/proto.ts';
import { besideUrl, readSidecars, trainingSettings, trainStepFile, type Sidecars } from './artifacts.ts';
import { modelCard } from './card.ts';
import { lineChart, type Line } from './chart.ts';
import { csvSeries, prepare, tutorial, type Prepared, type Series } from './dataset.ts';
import { byId, fill, formatNumber, h } from './dom.ts';
import type { EpochReport, Exposed } from './exposed.ts';
import { fineTune } from './finetune.ts';
import { forecast, testLoss, type Forecast } from './forecast.ts';
import { drawGraph } from './graph-view.ts';
import { ContractError, createRunner, forecasterContract, latency, type Ep, type ModelBytes, type Runner } from './runtime.ts';

interface Loaded extends ModelBytes {
  name: string;
  model: T.ModelProto;
  info: ModelInfo;
  sidecars: Sidecars;
  /** train_step.onnx beside the model, read on demand; null when there is none. */
  trainStep: (() => Promise<Uint8Array>) | null;
}

declare global {
  interface Window {
    __ingraph: Exposed;
  }
}

/** Files of the artifact set that are not the model to view when several .onnx files are opened together. */
const TRAINING_ARTIFACTS = new Set(['train_step.onnx', 'training_model.onnx', 'optimizer_model.onnx', 'eval_model.onnx']);
/** The tutorial's window, used when neither the model nor a manifest fixes one. */
const DEFAULT_WINDOW = 10;

const exposed: Exposed = (window.__ingraph = {
  status: 'loading',
  error: null,
  model: null,
  ep: null,
  fallback: null,
  latencyMs: null,
  window: null,
  test: null,
  outputs: [],
  predictions: [],
  rollout: null,
  testMse: null,
  finetune: [],
  settled: 0,
});

const state = {
  ep: 'wasm' as Ep,
  model: null as Loaded | null,
  csv: null as { file: File; series: Series } | null,
  runner: null as Runner | null,
  prepared: null as Prepared | null,
  live: [] as EpochReport[],
  download: null as string | null,
};

function setStatus(status: Exposed['status'], text: string): void {
  exposed.status = status;
  document.body.dataset.status = status;
  byId('status').textContent = text;
}

function report(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  console.error(e);
  exposed.error = message;
  byId('error-text').textContent = message;
  byId('error').hidden = false;
  setStatus('error', state.model ? `${state.model.name}: failed` : 'no model');
}

let queue = Promise.resolve();
function enqueue(action: () => Promise<void>): void {
  queue = queue.then(async () => {
    byId('error').hidden = true;
    exposed.error = null;
    try {
      await action();
    } catch (e) {
      report(e);
    }
    exposed.settled++;
  });
}

async function fetchBytes(url: URL, what: string): Promise<Uint8Array> {
  const res = await fetch(url, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}${res.status === 404 ? ' (not found)' : ''}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Where the model keeps tensors outside itself (PyTorch's model.onnx.data). */
function externalLocations(model: T.ModelProto): string[] {
  const locations = new Set<string>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const loc = t.externalData?.find((e) => e.key === 'location')?.value;
    if (loc) locations.add(loc);
  }
  return [...locations];
}

function decode(name: string, bytes: Uint8Array): { model: T.ModelProto; info: ModelInfo } {
  const model = decodeModel(bytes, name);
  return { model, info: inspectModel(model) };
}

async function openUrl(url: URL): Promise<void> {
  const name = decodeURIComponent(url.pathname.split('/').pop() || url.pathname);
  setStatus('loading', `loading ${name}…`);
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(url, url.pathname.replace(/^\//, ''));
  } catch (e) {
    const hint = url.pathname.endsWith('/models/model.onnx') ? ': build one with `npm run build-graph`, or open a file' : '';
    throw new Error(`${(e as Error).message}${hint}`);
  }
  const { model, info } = decode(name, bytes);
  const external = await Promise.all(
    externalLocations(model).map(async (path) => {
      const at = new URL(path, url);
      if (at.origin !== url.origin) throw new Error(`${name}: external data "${path}" is not on this server`);
      return { path, data: await fetchBytes(at, path) };
    }),
  );
  const sidecars = await readSidecars(besideUrl(url));
  const stepName = trainStepFile(sidecars.manifest);
  const stepUrl = new URL(stepName, url);
  const hasStep = (await fetch(stepUrl, { method: 'HEAD', cache: 'no-cache' })).ok;
  state.live = [];
  await show({ name, bytes, model, info, external, sidecars, trainStep: hasStep ? () => fetchBytes(stepUrl, stepName) : null });
}

async function openFiles(files: File[]): Promise<void> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const csv = files.find((f) => /\.csv$/i.test(f.name));
  const models = files.filter((f) => /\.onnx$/i.test(f.name));
  const file = models.find((f) => !TRAINING_ARTIFACTS.has(f.name)) ?? models[0];
  if (!csv && !file) throw new Error(`nothing to open in ${files.map((f) => f.name).join(', ')}: choose an .onnx model or a .csv series`);
  // Everything is read before anything changes, so a bad file leaves the page as it was.
  if (csv) setStatus('loading', `reading ${csv.name}…`);
  const data = csv ? { file: csv, series: await csvSeries(csv, byId<HTMLInputElement>('csv-column').value) } : state.csv;
  if (!file) {
    state.csv = data;
    await run();
    return;
  }
  setStatus('loading', `loading ${file.name}…`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { model, info } = decode(file.name, bytes);
  const external = await Promise.all(
    externalLocations(model).map(async (path) => {
      const f = byName.get(path.split('/').pop()!);
      if (!f) throw new Error(`${file.name} keeps its weights in "${path}": open that file together with the model`);
      return { path, data: new Uint8Array(await f.arrayBuffer()) };
    }),
  );
  const sidecars = await readSidecars(async (n) => (byName.has(n) ? byName.get(n)!.text() : null));
  const step = byName.get(trainStepFile(sidecars.manifest));
  state.csv = data;
  state.live = [];
  await show({ name: file.name, bytes, model, info, external, sidecars, trainStep: step ? async () => new Uint8Array(await step.arrayBuffer()) : null });
}

/** Card, graph and training for a newly opened model, then its forecasts. */
async function show(m: Loaded): Promise<void> {
  state.model = m;
  exposed.model = m.name;
  fill(byId('card'), modelCard(m.info, { name: m.name, size: m.bytes.length }));
  const g = drawGraph(m.model.graph ?? {});
  fill(byId('graph'), g.svg);
  byId('graph-note').textContent = g.drawnNodes < g.totalNodes ? `first ${g.drawnNodes} of ${g.totalNodes} top-level nodes` : `${g.totalNodes} top-level nodes`;
  renderTraining();
  if (!state.live.length) {
    const { lr, batchSize } = trainingSettings(m.sidecars);
    if (lr) byId<HTMLInputElement>('train-lr').value = String(lr);
    if (batchSize) byId<HTMLInputElement>('train-batch').value = String(batchSize);
  }
  await run();
  if (m.sidecars.problems.length) throw new Error(m.sidecars.problems.join('\n'));
}

function clearForecast(): void {
  Object.assign(exposed, { ep: null, fallback: null, latencyMs: null, window: null, test: null, outputs: [], predictions: [], rollout: null, testMse: null });
  fill(byId('inference'));
  fill(byId('forecast-chart'));
  state.prepared = null;
  updateTrainControls();
}

/** Runs the current model on the current data: forecasts, rollout, latency. */
async function run(): Promise<void> {
  const m = state.model;
  clearForecast();
  renderData();
  if (!m) return;
  await state.runner?.release();
  state.runner = null;
  setStatus('loading', `${m.name}: running…`);
  let contract;
  try {
    contract = forecasterContract(m.info);
    if (contract.features !== null && contract.features !== 1) {
      throw new ContractError(`input "${contract.input}" takes ${contract.features} features per step; the viewer's series has 1`);
    }
  } catch (e) {
    fill(byId('inference'), h('span', { class: 'warning' }, 'This model is not a forecaster the viewer can run; its card and graph are shown.'));
    throw e;
  }
  const manifest = m.sidecars.manifest;
  const window = contract.window ?? manifest?.data?.window ?? manifest?.config?.window ?? DEFAULT_WINDOW;
  const runner = await createRunner(m, contract, state.ep);
  state.runner = runner;
  const prepared = prepare(currentSeries(), window, manifest);
  state.prepared = prepared;
  renderData();
  const f = await forecast(runner, prepared);
  const ms = await latency(() => runner.predict(f.testX, f.testRows, window, 1));
  Object.assign(exposed, {
    ep: runner.ep,
    fallback: runner.fallback,
    latencyMs: ms,
    window,
    test: prepared.split.test,
    outputs: Array.from(f.outputs),
    predictions: Array.from(f.predictions),
    rollout: f.rollout && Array.from(f.rollout),
    testMse: f.mse,
  });
  renderForecast(m, runner, prepared, f, ms, contract.window === null && !manifest);
  updateTrainControls();
  setStatus('ready', `${m.name} · ${runner.ep}`);
}

function currentSeries(): Series {
  const d = state.model?.sidecars.manifest?.data;
  return state.csv?.series ?? tutorial(d?.source === 'tutorial' && d.seed !== undefined ? d.seed : 0);
}

function renderForecast(m: Loaded, runner: Runner, p: Prepared, f: Forecast, ms: number, windowGuessed: boolean): void {
  const values = p.series.values;
  const metricsMse = m.sidecars.metrics?.test_mse;
  let rolloutMse = NaN;
  if (f.rollout) rolloutMse = f.rollout.reduce((s, v, i) => s + (v - f.targets[i]!) ** 2, 0) / f.testRows;
  fill(
    byId('inference'),
    h('span', null, 'provider ', h('b', { id: 'ep-used' }, runner.ep)),
    runner.fallback ? h('span', { class: 'warning', id: 'ep-fallback' }, `WebGPU not used (${runner.fallback}): running on wasm`) : null,
    h('span', null, `batch of ${f.testRows} rows: `, h('b', { id: 'latency' }, `${ms.toFixed(2)} ms`), ' (median of 9)'),
    h('span', null, 'test MSE ', h('b', { id: 'test-mse' }, formatNumber(f.mse)), typeof metricsMse === 'number' ? ` (metrics.json: ${formatNumber(metricsMse)})` : ''),
    f.rollout ? h('span', null, `rollout MSE `, h('b', null, formatNumber(rolloutMse))) : h('span', { class: 'note' }, 'no rollout: the horizon is not 1'),
    windowGuessed ? h('span', { class: 'warning' }, `the model does not fix its window: using ${p.window}`) : null,
  );
  const x = (n: number, from: number) => Float64Array.from({ length: n }, (_, i) => from + i);
  const lines: Line[] = [
    { label: 'actual', x: x(values.length, 0), y: values, cls: 'c-actual' },
    { label: 'one-step forecast', x: x(f.testRows, f.first), y: f.predictions, cls: 'c-pred' },
  ];
  if (f.rollout) lines.push({ label: `${f.testRows}-step rollout`, x: x(f.testRows, f.first), y: f.rollout, cls: 'c-rollout', dashed: true });
  fill(
    byId('forecast-chart'),
    lineChart(lines, {
      title: `${p.series.source === 'tutorial' ? 'tutorial series' : p.series.source}: test split forecasts`,
      xLabel: 'time step',
      yLabel: 'value',
      markers: [{ x: f.first, label: 'test →' }],
      height: 340,
    }),
  );
}

function renderData(): void {
  const p = state.prepared;
  const series = p?.series ?? currentSeries();
  const rows: [string, string][] = [
    ['source', series.source === 'tutorial' ? 'tutorial: sin(x·π/180) + N(0, 0.05²), x = 1..720' : series.source],
    ['points', String(series.values.length)],
  ];
  if (p) {
    rows.push(
      ['window, horizon', `${p.window}, ${p.horizon}`],
      ['train rows', `${p.split.train[0]}–${p.split.train[1]} (${p.split.train[1] - p.split.train[0]})`],
      ['test rows', `${p.split.test[0]}–${p.split.test[1]} (${p.split.test[1] - p.split.test[0]})`],
      ['normalisation', p.normalizer ? `mean ${formatNumber(p.normalizer.mean)}, std ${formatNumber(p.normalizer.std)} (from manifest.json)` : 'none'],
    );
  }
  fill(byId('data-info'), h('table', { class: 'kv' }, ...rows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v)))));
}

function trainable(m: Loaded): boolean {
  return m.trainStep !== null && !!m.sidecars.manifest?.parameters && state.prepared !== null;
}

function renderTraining(): void {
  const m = state.model;
  const metrics = m?.sidecars.metrics;
  const log = m?.sidecars.log ?? [];
  fill(
    byId('metrics'),
    metrics
      ? h(
          'dl',
          { class: 'metrics' },
          ...flatEntries(metrics).map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, typeof v === 'number' ? formatNumber(v) : String(v)))),
        )
      : h('p', { class: 'note' }, m ? 'no metrics.json beside this model' : ''),
  );
  const last = log.length ? log[log.length - 1]!.epoch : 0;
  const epochs = (xs: { epoch: number }[], from: number) => xs.map((r) => from + r.epoch);
  // The trainer evaluates the test split every few epochs: its curve joins the epochs that have one.
  const tested = log.filter((r) => r.test_loss !== undefined);
  const lines: Line[] = [
    { label: 'train loss', x: epochs(log, 0), y: log.map((r) => r.train_loss), cls: 'c-train' },
    { label: 'test loss', x: epochs(tested, 0), y: tested.map((r) => r.test_loss!), cls: 'c-test' },
  ];
  if (state.live.length) {
    lines.push(
      { label: 'in-browser train', x: epochs(state.live, last), y: state.live.map((r) => r.trainLoss), cls: 'c-live', dots: true },
      { label: 'in-browser test', x: epochs(state.live, last), y: state.live.map((r) => r.testLoss), cls: 'c-live-test', dots: true },
    );
  }
  const hasCurve = log.length > 0 || state.live.length > 0;
  fill(
    byId('loss-chart'),
    hasCurve
      ? lineChart(lines, { title: 'loss per epoch', xLabel: 'epoch', yLabel: 'loss', logY: true, integerX: true, width: 560, height: 300, markers: state.live.length && last ? [{ x: last, label: 'browser →' }] : [] })
      : h('p', { class: 'note' }, m ? 'no train-log.jsonl beside this model' : ''),
  );
}

/** The train button is live only for a model that runs and has its train step and manifest beside it. */
function updateTrainControls(): void {
  const m = state.model;
  byId<HTMLButtonElement>('train').disabled = !m || !trainable(m);
  if (!m || state.live.length) return;
  byId('train-status').textContent = !m.trainStep
    ? `no ${trainStepFile(m.sidecars.manifest)} beside this model: \`npm run build-graph\` writes it`
    : !m.sidecars.manifest?.parameters
      ? 'no manifest.json listing the parameters beside this model'
      : !state.prepared
        ? 'the model must run as a forecaster before it can be fine-tuned'
        : `fine-tunes this model on the training split with ${trainStepFile(m.sidecars.manifest)}, in this page`;
}

/** Scalars of metrics.json, with one level of nesting spelled out (settings.lr). */
function flatEntries(o: Record<string, unknown>, prefix = ''): [string, number | string | boolean][] {
  return Object.entries(o).flatMap(([k, v]): [string, number | string | boolean][] => {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return [[prefix + k, v]];
    if (!prefix && v !== null && typeof v === 'object' && !Array.isArray(v)) return flatEntries(v as Record<string, unknown>, `${k}.`);
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return [[prefix + k, `[${v.join(', ')}]`]];
    return [];
  });
}

async function train(): Promise<void> {
  const m = state.model;
  const p = state.prepared;
  const parameters = m?.sidecars.manifest?.parameters;
  if (!m || !p || !m.trainStep || !parameters || !state.runner) throw new Error('nothing to train: open a model with its manifest.json and train_step.onnx');
  const contract = state.runner.contract;
  const num = (id: string) => Number(byId<HTMLInputElement>(id).value);
  const epochs = num('train-epochs');
  const batchSize = num('train-batch');
  const learningRate = num('train-lr');
  if (!(Number.isInteger(epochs) && epochs >= 1 && Number.isInteger(batchSize) && batchSize >= 1 && learningRate > 0)) {
    throw new Error('epochs and batch must be positive integers and the learning rate positive');
  }
  byId<HTMLButtonElement>('train').disabled = true;
  setStatus('training', `${m.name}: training…`);
  state.live = [];
  exposed.finetune = [];
  try {
    const bytes = await fineTune(await m.trainStep(), m.bytes, m.sidecars.manifest!, p, {
      epochs,
      batchSize,
      learningRate,
      seed: 0,
      evaluate: async (model) => {
        const r = await createRunner({ bytes: model, external: [] }, contract, 'wasm');
        try {
          return await testLoss(r, p);
        } finally {
          await r.release();
        }
      },
      onEpoch: (r) => {
        state.live.push(r);
        exposed.finetune = [...state.live];
        renderTraining();
        byId('train-status').textContent = `epoch ${r.epoch}/${epochs}: train loss ${formatNumber(r.trainLoss)}, test loss ${formatNumber(r.testLoss)} (${(r.seconds * 1000).toFixed(0)} ms)`;
      },
    });
    if (state.download) URL.revokeObjectURL(state.download);
    state.download = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    const link = byId<HTMLAnchorElement>('download');
    link.href = state.download;
    link.hidden = false;
    const name = m.name.endsWith(' (fine-tuned)') ? m.name : `${m.name} (fine-tuned)`;
    await show({ ...m, name, bytes, ...decode(name, bytes) });
  } finally {
    updateTrainControls();
  }
}

function wire(): void {
  const params = new URLSearchParams(location.search);
  const epSelect = byId<HTMLSelectElement>('ep');
  state.ep = params.get('ep') === 'webgpu' ? 'webgpu' : 'wasm';
  epSelect.value = state.ep;
  epSelect.addEventListener('change', () => {
    state.ep = epSelect.value as Ep;
    enqueue(run);
  });
  const picker = byId<HTMLInputElement>('file');
  picker.addEventListener('change', () => {
    const files = Array.from(picker.files ?? []);
    picker.value = '';
    if (files.length) enqueue(() => openFiles(files));
  });
  byId('error-close').addEventListener('click', () => (byId('error').hidden = true));
  byId('train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    enqueue(train);
  });
  byId('use-tutorial').addEventListener('click', () => {
    state.csv = null;
    enqueue(run);
  });
  byId('csv-column').addEventListener('change', () => {
    const csv = state.csv;
    if (!csv) return;
    enqueue(async () => {
      state.csv = { file: csv.file, series: await csvSeries(csv.file, byId<HTMLInputElement>('csv-column').value) };
      await run();
    });
  });

  const overlay = byId('drop-overlay');
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    overlay.hidden = false;
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) overlay.hidden = true;
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    overlay.hidden = true;
    const files = Array.from(e.dataTransfer?.files ?? []);
    if (files.length) enqueue(() => openFiles(files));
  });

  enqueue(() => openUrl(new URL(params.get('model') ?? 'models/model.onnx', location.href)));
}

wire();
