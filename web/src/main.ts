// The page: opens a model (models/model.onnx by default, ?model=, the file picker or drag and drop), shows its
// card and graph, forecasts the data with it, shows its training, and fine-tunes it in the browser. Every action
// runs in one queue, so a file dropped mid-run waits its turn; a failure shows in the error bar and the page keeps
// what it had.
import './style.css';
import { decodeModel } from '../../src/onnx/codec.ts';
import { inspectModel, type ModelInfo } from '../../src/onnx/inspect.ts';
import { onnx, type OnnxTypes as T } from '../../src/onnx/proto.ts';
import type { ExternalReader } from '../../src/onnx/tensor-proto.ts';
import { besideUrl, readSidecars, trainingSettings, trainStepFile, type Sidecars } from './artifacts.ts';
import { modelCard } from './card.ts';
import { lineChart, type ChartOptions, type Line } from './chart.ts';
import { csvSeries, prepare, tutorial, type Prepared, type Series } from './dataset.ts';
import { byId, fill, formatNumber, h } from './dom.ts';
import type { Exposed } from './exposed.ts';
import { startFineTune, type FineTuneRun } from './finetune-client.ts';
import { metricsTable } from './metrics-table.ts';
import { forecast, type Forecast } from './forecast.ts';
import { graphView } from './graph-view.ts';
import { fineTunedName, lossView, nextRunStart, progressText, type LiveRun } from './loss-history.ts';
import { webgpuPlacement } from './webgpu-ops.ts';
import { ContractError, createRunner, forecasterContract, latency, type Ep, type ModelBytes, type Runner } from './runtime.ts';
import { FILES } from '../../src/artifacts/manifest.ts';

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
const TRAINING_ARTIFACTS = new Set<string>([FILES.trainStep, FILES.training, FILES.optimizer, FILES.eval]);
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
  stopped: null,
  settled: 0,
});

const state = {
  ep: 'wasm' as Ep,
  model: null as Loaded | null,
  csv: null as { file: File; series: Series } | null,
  runner: null as Runner | null,
  prepared: null as Prepared | null,
  /** The fine-tunes of the model opened last, oldest first; each starts from the weights the one before left. */
  runs: [] as LiveRun[],
  training: null as FineTuneRun | null,
  /** Series hidden from the loss chart by a click on their legend entry. */
  hiddenSeries: new Set<string>(),
  /** The loss chart shows the whole record instead of the stretch around the fine-tunes. */
  wholeRecord: false,
  forecastChart: null as { lines: Line[]; options: Omit<ChartOptions, 'width'> } | null,
  download: null as string | null,
  /** URLs the Content-Security-Policy refused, so a failed fetch can say why. */
  blocked: [] as string[],
};

function setStatus(status: Exposed['status'], text: string): void {
  exposed.status = status;
  document.body.dataset.status = status;
  byId('status').textContent = text;
}

/**
 * Shows a failed action's message. When the action was opening something and the model shown before is still
 * shown and running, the message and the header say so rather than call that model failed.
 */
function report(e: unknown, before: Loaded | null): void {
  console.error(e);
  const m = state.model;
  const kept = m !== null && m === before && state.runner !== null;
  const message = (e instanceof Error ? e.message : String(e)) + (kept ? `\n${m.name} is still shown and unchanged.` : '');
  exposed.error = message;
  byId('error-text').textContent = message;
  byId('error').hidden = false;
  setStatus('error', !m ? 'no model' : kept ? `${m.name} · ${state.runner!.ep} · not replaced` : `${m.name}: failed`);
}

let queue = Promise.resolve();
function enqueue(action: () => Promise<void>): void {
  queue = queue.then(async () => {
    byId('error').hidden = true;
    exposed.error = null;
    const before = state.model;
    try {
      await action();
    } catch (e) {
      report(e, before);
    }
    exposed.settled++;
  });
}

/** Why a fetch the browser refused failed: the page's Content-Security-Policy, or the network or CORS. */
async function fetchFailure(url: URL, what: string): Promise<Error> {
  // The violation is reported in a task of its own; one turn of the event loop lets it arrive.
  await new Promise((ok) => setTimeout(ok, 0));
  if (state.blocked.includes(url.href)) {
    return new Error(
      `${what}: blocked by this page's Content-Security-Policy, which lets it fetch only from its own server (${location.origin}); download the file and open it with "Open files…", or put it in the served models folder`,
    );
  }
  return new Error(
    url.origin === location.origin
      ? `${what}: the server did not answer (is it still running?)`
      : `${what}: could not be fetched from ${url.origin} (offline, or that server does not allow this page to read it: CORS)`,
  );
}

async function fetchBytes(url: URL, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch {
    throw await fetchFailure(url, what);
  }
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

/** The name a URL's last path segment gives, or the whole path. */
const urlName = (url: URL) => decodeURIComponent(url.pathname.split('/').pop() || url.pathname);

function decode(name: string, bytes: Uint8Array): { model: T.ModelProto; info: ModelInfo } {
  let model: T.ModelProto;
  try {
    model = decodeModel(bytes, name);
  } catch (e) {
    // The protobuf decoder's own words ("index out of range: 25 + 1368161438 > 4096") help nobody here: they go to
    // the console, and the page says what the file is not.
    console.error(e);
    const why = (e as Error).message.replace(/ \([^)]*\)$/, '');
    throw new Error(`${why.includes(': ') ? why : `${name}: ${why}`}. An .onnx file holds an ONNX ModelProto; this one does not read as one (another kind of file, or cut short).`);
  }
  return { model, info: inspectModel(model) };
}

/** A CSV series by URL (the page's ?csv=), read by the same code as a dropped file. */
async function fetchCsv(url: URL, column: string): Promise<{ file: File; series: Series }> {
  const name = urlName(url);
  const file = new File([(await fetchBytes(url, url.pathname.replace(/^\//, ''))) as BlobPart], name, { type: 'text/csv' });
  return { file, series: await csvSeries(file, column) };
}

async function openUrl(url: URL): Promise<void> {
  const name = urlName(url);
  setStatus('loading', `loading ${name}…`);
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(url, url.protocol === location.protocol && url.origin === location.origin ? url.pathname.replace(/^\//, '') : url.href);
  } catch (e) {
    const hint = url.pathname.endsWith(`/models/${FILES.model}`) ? ': build one with `npm run build-graph`, or open a file' : '';
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
  state.runs = [];
  await show({ name, bytes, model, info, external, sidecars, trainStep: hasStep ? () => fetchBytes(stepUrl, stepName) : null });
}

/** Runs the current model on `data`; when that fails for a reason of the data, the data before is restored. */
async function useData(data: { file: File; series: Series } | null): Promise<void> {
  const previous = state.csv;
  state.csv = data;
  try {
    await run();
  } catch (e) {
    if (e instanceof ContractError || data === previous) throw e;
    state.csv = previous;
    const kept = previous ? previous.file.name : 'the tutorial series';
    await run().catch((again: unknown) => console.error(again));
    throw new Error(`${data?.file.name ?? 'the tutorial series'}: ${(e as Error).message}\nThe data stays ${kept}.`);
  }
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
    await useData(data);
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
  state.runs = [];
  await show({ name: file.name, bytes, model, info, external, sidecars, trainStep: step ? async () => new Uint8Array(await step.arrayBuffer()) : null });
}

/** Reads a model's external tensors from the files opened or fetched with it. */
function externalReader(m: ModelBytes): ExternalReader {
  return (location, offset, length) => {
    const file = m.external.find((e) => e.path === location);
    if (!file) throw new Error(`"${location}" was not opened with the model`);
    return file.data.subarray(offset, length === undefined ? undefined : offset + length);
  };
}

/** Card, graph and training for a newly opened model, then its forecasts. */
async function show(m: Loaded): Promise<void> {
  state.model = m;
  exposed.model = m.name;
  fill(byId('card'), modelCard(m.info, { name: m.name, size: m.bytes.length }));
  const g = graphView(m.model.graph ?? {}, externalReader(m));
  fill(byId('graph'), g.element);
  g.shown();
  byId('graph-note').textContent = g.note;
  renderTraining();
  if (!state.runs.length) {
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
  state.forecastChart = null;
  renderForecastChart();
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
    contract = forecasterContract(m.info, m.sidecars.manifest);
    if (contract.features !== null && contract.features !== 1) {
      throw new ContractError(`input "${contract.input}" takes ${contract.features} features per step; the viewer's series has 1`);
    }
  } catch (e) {
    fill(byId('inference'), h('span', { class: 'warning' }, 'This model is not a forecaster the viewer can run; its card and graph are shown.'));
    throw e;
  }
  const manifest = m.sidecars.manifest;
  const window = contract.window ?? manifest?.data?.window ?? manifest?.config?.window ?? DEFAULT_WINDOW;
  const runner = await createRunner(m, { ...contract, window, features: 1 }, state.ep);
  state.runner = runner;
  const prepared = prepare(currentSeries(), window, manifest);
  state.prepared = prepared;
  renderData();
  const f = await forecast(runner, prepared);
  const ms = await latency(() => runner.predict(f.testX, f.testRows));
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
  // The graph marks the nodes WebGPU cannot take while the model runs on WebGPU.
  document.body.dataset.ep = runner.ep;
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
    runner.ep === 'webgpu' ? webgpuSummary(m, runner) : null,
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
  state.forecastChart = {
    lines,
    options: {
      title: `${p.series.source === 'tutorial' ? 'tutorial series' : p.series.source}: test split forecasts`,
      xLabel: 'time step',
      yLabel: 'value',
      markers: [{ x: f.first, label: 'test →' }],
      height: 340,
    },
  };
  renderForecastChart();
}

/** Charts are drawn at their box's width, so their text keeps its size on a phone; a resize draws them again. */
const boxWidth = (id: string) => byId(id).clientWidth || 600;

function renderForecastChart(): void {
  const c = state.forecastChart;
  fill(byId('forecast-chart'), c ? lineChart(c.lines, { ...c.options, width: boxWidth('forecast-chart') }) : null);
}

/** What runs where on WebGPU: the adapter, and the nodes onnxruntime-web 1.29 has no WebGPU kernel for. */
function webgpuSummary(m: Loaded, runner: Runner): HTMLElement {
  const a = runner.adapter;
  const name = a ? [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') || 'unnamed adapter' : 'unknown adapter';
  const p = webgpuPlacement(m.model.graph ?? {});
  const count = (xs: Map<string, number>) => [...xs.values()].reduce((x, y) => x + y, 0);
  const list = (xs: Map<string, number>) => [...xs].map(([op, n]) => (n > 1 ? `${op} ×${n}` : op)).join(', ');
  return h(
    'div',
    { class: 'webgpu', id: 'webgpu-placement' },
    h('div', { id: 'webgpu-adapter' }, 'WebGPU adapter: ', h('b', null, name), a?.software ? h('span', { class: 'warning' }, ' a software adapter: WebGPU runs on the CPU here, not a GPU') : null),
    h(
      'div',
      null,
      `${count(p.webgpu)} of ${count(p.webgpu) + count(p.cpu)} nodes have a WebGPU kernel in onnxruntime-web 1.29`,
      p.cpu.size ? h('span', { class: 'warning', id: 'webgpu-cpu' }, `on the CPU (wasm) whatever the provider: ${list(p.cpu)}`) : null,
      p.cpu.size ? h('span', { class: 'note' }, ' (dashed red in the graph)') : null,
    ),
    h('div', { class: 'note' }, 'Fine-tuning runs on wasm (in a Web Worker) whichever provider is chosen here.'),
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
      ['normalisation', p.normalizer ? `mean ${formatNumber(p.normalizer.mean)}, std ${formatNumber(p.normalizer.std)}: inside model.onnx; fine-tuning feeds the train step normalised windows` : 'none'],
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
  fill(byId('metrics'), metrics ? metricsTable(metrics) : h('p', { class: 'note' }, m ? 'no metrics.json beside this model' : ''));
  renderLossChart();
}

function renderLossChart(): void {
  const m = state.model;
  const log = m?.sidecars.log ?? [];
  const { lines, last, zoom } = lossView(log, state.runs);
  const toggle = byId<HTMLButtonElement>('loss-range');
  toggle.hidden = !zoom;
  toggle.textContent = state.wholeRecord ? 'zoom to the fine-tunes' : 'show every epoch';
  const hasCurve = log.length > 0 || state.runs.some((r) => r.epochs.length > 0);
  fill(
    byId('loss-chart'),
    hasCurve
      ? lineChart(lines, {
          title: 'loss per epoch',
          xLabel: 'epoch',
          yLabel: 'loss',
          logY: true,
          integerX: true,
          width: boxWidth('loss-chart'),
          height: 300,
          ...(zoom && !state.wholeRecord ? { xRange: zoom } : {}),
          markers: state.runs.length && last ? [{ x: last, label: 'browser →' }] : [],
          hidden: state.hiddenSeries,
          onToggle: renderLossChart,
        })
      : h('p', { class: 'note' }, m ? 'no train-log.jsonl beside this model' : ''),
  );
}

/** The train button is live only for a model that runs and has its train step and manifest beside it. */
function updateTrainControls(): void {
  const m = state.model;
  byId<HTMLButtonElement>('train').disabled = !m || !trainable(m) || state.training !== null;
  // While a fine-tune runs, and after one, the status line tells how it went.
  if (!m || state.training || state.runs.length) return;
  const step = trainStepFile(m.sidecars.manifest);
  const ours = m.info.producer.startsWith('ingraph');
  byId('train-status').textContent = !m.trainStep
    ? ours
      ? `no ${step} beside this model: \`npm run build-graph\` writes it with the model`
      : `no ${step} beside this model: it was written by ${m.info.producer || 'another tool'}, and fine-tuning here needs the train step this project builds for its own forecasters (\`npm run build-graph\`)`
    : !m.sidecars.manifest?.parameters
      ? 'no manifest.json listing the parameters beside this model'
      : !state.prepared
        ? 'the model must run as a forecaster before it can be fine-tuned'
        : `fine-tunes this model on the training split with ${step}, on wasm in a Web Worker. Adam starts afresh: its moments are not saved with the model, so the first epochs can rise above the trained loss.`;
}

function progress(run: LiveRun): void {
  const bar = byId<HTMLProgressElement>('train-progress');
  bar.max = run.planned;
  bar.value = run.epochs.length;
  byId('train-status').textContent = progressText(run);
}

async function train(): Promise<void> {
  const m = state.model;
  const p = state.prepared;
  const mf = m?.sidecars.manifest;
  const parameters = mf?.parameters;
  if (!m || !p || !m.trainStep || !parameters || !state.runner) throw new Error('nothing to train: open a model with its manifest.json and train_step.onnx');
  const num = (id: string) => Number(byId<HTMLInputElement>(id).value);
  const epochs = num('train-epochs');
  const batchSize = num('train-batch');
  const learningRate = num('train-lr');
  if (!(Number.isInteger(epochs) && epochs >= 1 && Number.isInteger(batchSize) && batchSize >= 1 && learningRate > 0)) {
    throw new Error('epochs and batch must be positive integers and the learning rate positive');
  }
  const run: LiveRun = { from: nextRunStart(m.sidecars.log ?? [], state.runs), planned: epochs, epochs: [] };
  state.runs.push(run);
  exposed.finetune = [];
  exposed.stopped = null;
  setStatus('training', `${m.name}: training…`);
  const training = startFineTune(
    { trainStep: await m.trainStep(), modelBytes: m.bytes, manifest: { parameters, optimizer: mf?.optimizer, input: mf?.input, output: mf?.output, config: mf?.config }, data: p, feed: state.runner.feed, epochs, batchSize, learningRate, seed: 0 },
    (r) => {
      run.epochs.push(r);
      exposed.finetune = [...run.epochs];
      renderLossChart();
      progress(run);
    },
  );
  state.training = training;
  updateTrainControls();
  const stop = byId<HTMLButtonElement>('train-stop');
  const bar = byId<HTMLProgressElement>('train-progress');
  stop.hidden = false;
  stop.disabled = false;
  bar.hidden = false;
  progress(run);
  try {
    const { model: bytes, stopped } = await training.done;
    exposed.stopped = stopped;
    if (!run.epochs.length) throw new Error('the fine-tune ended before its first epoch');
    run.planned = run.epochs.length;
    const name = fineTunedName(m.name);
    if (state.download) URL.revokeObjectURL(state.download);
    state.download = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    const link = byId<HTMLAnchorElement>('download');
    link.href = state.download;
    link.download = name;
    link.textContent = `Download ${name}`;
    link.hidden = false;
    await show({ ...m, name, bytes, external: [], ...decode(name, bytes) });
    const r = run.epochs[run.epochs.length - 1]!;
    byId('train-status').textContent = `${stopped ? `stopped after epoch ${r.epoch} of ${epochs}` : `${epochs} epochs done`}: train loss ${formatNumber(r.trainLoss)}, test loss ${formatNumber(r.testLoss)}; the page now shows ${name}`;
  } catch (e) {
    if (!run.epochs.length) state.runs.pop();
    renderLossChart();
    throw e;
  } finally {
    state.training = null;
    stop.hidden = true;
    bar.hidden = true;
    updateTrainControls();
  }
}

function wire(): void {
  const params = new URLSearchParams(location.search);
  document.addEventListener('securitypolicyviolation', (e) => state.blocked.push(e.blockedURI));
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
  // Stop acts at once, outside the queue (which the fine-tune holds): the worker ends after its current epoch.
  byId('train-stop').addEventListener('click', () => {
    state.training?.stop();
    byId<HTMLButtonElement>('train-stop').disabled = true;
    byId('train-status').textContent += ' · stopping after this epoch…';
  });
  byId('loss-range').addEventListener('click', () => {
    state.wholeRecord = !state.wholeRecord;
    renderLossChart();
  });
  byId('use-tutorial').addEventListener('click', () => enqueue(() => useData(null)));
  const column = byId<HTMLInputElement>('csv-column');
  column.value = params.get('column') ?? column.value;
  column.addEventListener('change', () => {
    const csv = state.csv;
    if (!csv) return;
    enqueue(async () => useData({ file: csv.file, series: await csvSeries(csv.file, column.value) }));
  });
  let resize = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(resize);
    resize = requestAnimationFrame(() => {
      renderForecastChart();
      renderLossChart();
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

  const csvParam = params.get('csv');
  enqueue(async () => {
    // The model opens on the tutorial series first; a CSV from ?csv= then replaces it only if the model runs on it.
    const csv = csvParam ? fetchCsv(new URL(csvParam, location.href), column.value) : null;
    csv?.catch(() => undefined);
    await openUrl(new URL(params.get('model') ?? 'models/model.onnx', location.href));
    if (csv) await useData(await csv);
  });
}

wire();
