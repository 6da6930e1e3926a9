// The Forecast panel: the current model run on the current data (one-step forecasts, rollout, latency, test MSE)
// and, on WebGPU, what runs where.
import { lineChart, type Line } from '../chart.ts';
import { prepare, type Prepared } from '../dataset.ts';
import { byId, fill, formatNumber, h } from '../dom.ts';
import { forecast, type Forecast } from '../forecast.ts';
import { boxWidth, type Loaded, type Page } from '../page/page.ts';
import { ContractError, createRunner, forecasterContract, latency, type Runner } from '../runtime.ts';
import { webgpuPlacement } from '../webgpu-ops.ts';
import { currentSeries, renderData } from './data.ts';
import { updateTrainControls } from './training.ts';

/** The tutorial's window, used when neither the model nor a manifest fixes one. */
const DEFAULT_WINDOW = 10;

function clearForecast(page: Page): void {
  Object.assign(page.exposed, { ep: null, fallback: null, latencyMs: null, window: null, test: null, outputs: [], predictions: [], rollout: null, testMse: null });
  fill(byId('inference'));
  page.state.forecastChart = null;
  renderForecastChart(page);
  page.state.prepared = null;
  updateTrainControls(page);
}

/** Runs the current model on the current data: forecasts, rollout, latency. */
export async function run(page: Page): Promise<void> {
  const m = page.state.model;
  clearForecast(page);
  renderData(page);
  if (!m) return;
  await page.state.runner?.release();
  page.state.runner = null;
  page.setStatus('loading', `${m.name}: running…`);
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
  const runner = await createRunner(m, { ...contract, window, features: 1 }, page.state.ep);
  page.state.runner = runner;
  const prepared = prepare(currentSeries(page), window, manifest);
  page.state.prepared = prepared;
  renderData(page);
  const f = await forecast(runner, prepared);
  const ms = await latency(() => runner.predict(f.testX, f.testRows));
  Object.assign(page.exposed, {
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
  renderForecast(page, m, runner, prepared, f, ms, contract.window === null && !manifest);
  updateTrainControls(page);
  page.setStatus('ready', `${m.name} · ${runner.ep}`);
}

function renderForecast(page: Page, m: Loaded, runner: Runner, p: Prepared, f: Forecast, ms: number, windowGuessed: boolean): void {
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
  page.state.forecastChart = {
    lines,
    options: {
      title: `${p.series.source === 'tutorial' ? 'tutorial series' : p.series.source}: test split forecasts`,
      xLabel: 'time step',
      yLabel: 'value',
      markers: [{ x: f.first, label: 'test →' }],
      height: 340,
    },
  };
  renderForecastChart(page);
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
