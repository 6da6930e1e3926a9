// The Forecast panel: the current model run on the current data (one-step forecasts, rollout, latency, test MSE)
// and, on WebGPU, what runs where.
import { lineChart, type Line } from '../chart.ts';
import { prepare, type Prepared } from '../dataset.ts';
import { byId, fill, formatNumber, h } from '../dom.ts';
import { forecast, type Forecast } from '../forecast.ts';
import { accuracyTable } from '../accuracy-table.ts';
import { boxWidth, type Loaded, type Page } from '../page/page.ts';
import { ContractError, createRunner, forecasterContract, latency, type Runner } from '../runtime.ts';
import { webgpuPlacement } from '../webgpu-ops.ts';
import { currentSeries, renderData } from './data.ts';
import { updateTrainControls } from './training.ts';

/** The tutorial's window, used when neither the model nor a manifest fixes one. */
const DEFAULT_WINDOW = 10;

function clearForecast(page: Page): void {
  Object.assign(page.exposed, {
    ep: null, fallback: null, latencyMs: null, window: null, horizon: null, test: null, outputs: [], predictions: [], rollout: null, testMse: null, evaluation: null, ahead: [],
  });
  fill(byId('inference'));
  fill(byId('forecast-metrics'));
  page.state.forecastChart = null;
  renderForecastChart(page);
  page.state.prepared = null;
  updateTrainControls(page);
}

/** Runs the current model on the current data: forecasts from every test window, past the end, rollout, latency. */
export async function run(page: Page): Promise<void> {
  const m = page.state.model;
  clearForecast(page);
  renderData(page);
  if (!m) return;
  await page.state.runner?.release();
  page.state.runner = null;
  page.setStatus('loading', `${m.name}: running…`);
  const manifest = m.sidecars.manifest;
  const series = await currentSeries(page);
  let contract;
  try {
    contract = forecasterContract(m.info, manifest);
    const columns = series.inputs.length;
    if (contract.features !== null && contract.features !== columns) {
      const named = manifest?.data?.columns ? ` (${manifest.data.columns.join(', ')})` : '';
      throw new ContractError(`input "${contract.input}" takes ${contract.features} features per step${named}; the data has ${columns} column${columns === 1 ? '' : 's'} (${series.names.join(', ')}): type the columns under Data`);
    }
  } catch (e) {
    fill(byId('inference'), h('span', { class: 'warning' }, 'This model is not a forecaster the viewer can run on this data; its card and graph are shown.'));
    throw e;
  }
  const window = contract.window ?? manifest?.data?.window ?? manifest?.config?.window ?? DEFAULT_WINDOW;
  const horizon = outputSize(manifest?.output?.dims) ?? manifest?.data?.horizon ?? 1;
  const runner = await createRunner(m, { ...contract, window, features: series.inputs.length }, page.state.ep);
  page.state.runner = runner;
  const prepared = prepare(series, window, horizon, manifest);
  page.state.prepared = prepared;
  renderData(page);
  const f = await forecast(runner, prepared, trainedSeason(m) ?? 1);
  const ms = await latency(() => runner.predict(f.testX, f.testRows));
  Object.assign(page.exposed, {
    ep: runner.ep,
    fallback: runner.fallback,
    latencyMs: ms,
    window,
    horizon,
    test: prepared.split.test,
    outputs: Array.from(f.outputs),
    predictions: Array.from(f.outputs.filter((_, i) => i % horizon === 0)),
    rollout: f.rollout && Array.from(f.rollout),
    testMse: f.mse,
    evaluation: f.evaluation,
    ahead: Array.from(f.ahead),
  });
  // The graph marks the nodes WebGPU cannot take while the model runs on WebGPU.
  document.body.dataset.ep = runner.ep;
  renderForecast(page, m, runner, prepared, f, ms, contract.window === null && !manifest);
  updateTrainControls(page);
  page.setStatus('ready', `${m.name} · ${runner.ep}`);
}

/** Values per example of an output [batch, n], when fixed. */
function outputSize(dims: readonly (number | string | null)[] | undefined): number | null {
  return dims?.length === 2 && typeof dims[1] === 'number' && dims[1] > 0 ? dims[1] : null;
}

/** The season the trainer scored the model with (metrics.json's test.season). */
function trainedSeason(m: Loaded): number | null {
  const test = m.sidecars.metrics?.test as { season?: unknown } | undefined;
  return typeof test?.season === 'number' && Number.isInteger(test.season) && test.season >= 1 ? test.season : null;
}

function renderForecast(page: Page, m: Loaded, runner: Runner, p: Prepared, f: Forecast, ms: number, windowGuessed: boolean): void {
  const values = p.series.target;
  const H = f.horizon;
  const metricsMse = m.sidecars.metrics?.test_mse;
  const first = f.origins[0]! + 1;
  let rolloutMse = NaN;
  if (f.rollout) rolloutMse = f.rollout.reduce((s, v, i) => s + (v - values[first + i]!) ** 2, 0) / f.testRows;
  fill(
    byId('inference'),
    h('span', null, 'provider ', h('b', { id: 'ep-used' }, runner.ep)),
    runner.fallback ? h('span', { class: 'warning', id: 'ep-fallback' }, `WebGPU not used (${runner.fallback}): running on wasm`) : null,
    runner.ep === 'webgpu' ? webgpuSummary(m, runner) : null,
    h('span', null, `batch of ${f.testRows} rows: `, h('b', { id: 'latency' }, `${ms.toFixed(2)} ms`), ' (median of 9)'),
    h('span', null, 'test MSE ', h('b', { id: 'test-mse' }, formatNumber(f.mse)), typeof metricsMse === 'number' ? ` (metrics.json: ${formatNumber(metricsMse)})` : ''),
    f.rollout ? h('span', null, `rollout MSE `, h('b', null, formatNumber(rolloutMse))) : h('span', { class: 'note' }, H > 1 ? `no rollout: the model forecasts ${H} steps at once` : 'no rollout: the inputs are not the forecast column alone'),
    windowGuessed ? h('span', { class: 'warning' }, `the model does not fix its window: using ${p.window}`) : null,
  );
  fill(byId('forecast-metrics'), accuracyTable(f.evaluation));
  const x = (n: number, from: number) => Float64Array.from({ length: n }, (_, i) => from + i);
  const lines: Line[] = [
    { label: 'actual', x: x(values.length, 0), y: values, cls: 'c-actual' },
    { label: 'one-step forecast', x: x(f.testRows, first), y: f.outputs.filter((_, i) => i % H === 0), cls: 'c-pred' },
  ];
  if (H > 1) lines.push({ label: `${H}-step forecasts (every ${H}th window)`, ...fan(f), cls: 'c-fan' });
  lines.push({ label: `next ${H} past the end`, x: x(H, values.length), y: f.ahead, cls: 'c-ahead', dots: true });
  if (f.rollout) lines.push({ label: `${f.testRows}-step rollout`, x: x(f.testRows, first), y: f.rollout, cls: 'c-rollout', dashed: true });
  page.state.forecastChart = {
    lines,
    options: {
      title: `${p.series.source === 'tutorial' ? 'tutorial series' : `${p.series.source}, ${p.series.targetName}`}: test split forecasts${H > 1 ? `, ${H} steps ahead` : ''}`,
      xLabel: 'time step',
      yLabel: p.series.targetName,
      markers: [{ x: first, label: 'test →' }],
      height: 340,
      // Paths of several steps need the room: the chart then shows the test split with half as much before it.
      ...(H > 1 ? { xRange: [Math.max(0, Math.floor(first - f.testRows / 2)), values.length + H] as [number, number] } : {}),
    },
  };
  renderForecastChart(page);
}

/** The H-step forecasts from every H-th test window as one line, broken between windows: a fan over the test split
 *  whose paths do not overlap. */
function fan(f: Forecast): { x: Float64Array; y: Float64Array } {
  const H = f.horizon;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let r = 0; r < f.testRows; r += H) {
    for (let k = 0; k < H; k++) {
      xs.push(f.origins[r]! + 1 + k);
      ys.push(f.outputs[r * H + k]!);
    }
    xs.push(f.origins[r]! + H + 0.5);
    ys.push(NaN);
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

export function renderForecastChart(page: Page): void {
  const c = page.state.forecastChart;
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
