// The page: opens a model (models/model.onnx by default, ?model=, the file picker or drag and drop), shows its
// card and graph (panels/model.ts), forecasts the data with it (panels/forecast.ts, panels/data.ts), shows its
// training and fine-tunes it in the browser (panels/training.ts). This file wires the controls to those actions;
// every action runs in the page's one queue (page/page.ts).
import './style.css';
import { byId } from './dom.ts';
import { fetchCsv, openFiles, openUrl, useData } from './page/open.ts';
import { createPage, type Page } from './page/page.ts';
import { readCsv } from './panels/data.ts';
import { renderForecastChart, run } from './panels/forecast.ts';
import { show } from './panels/model.ts';
import { renderLossChart, train } from './panels/training.ts';
import type { Ep } from './runtime.ts';

function wire(page: Page): void {
  const params = new URLSearchParams(location.search);
  document.addEventListener('securitypolicyviolation', (e) => page.state.blocked.push(e.blockedURI));
  const epSelect = byId<HTMLSelectElement>('ep');
  page.state.ep = params.get('ep') === 'webgpu' ? 'webgpu' : 'wasm';
  epSelect.value = page.state.ep;
  epSelect.addEventListener('change', () => {
    page.state.ep = epSelect.value as Ep;
    page.enqueue(() => run(page));
  });
  const picker = byId<HTMLInputElement>('file');
  picker.addEventListener('change', () => {
    const files = Array.from(picker.files ?? []);
    picker.value = '';
    if (files.length) page.enqueue(() => openFiles(page, files));
  });
  byId('error-close').addEventListener('click', () => (byId('error').hidden = true));
  byId('train-form').addEventListener('submit', (e) => {
    e.preventDefault();
    page.enqueue(() => train(page, (m) => show(page, m)));
  });
  // Stop acts at once, outside the queue (which the fine-tune holds): the worker ends after its current epoch.
  byId('train-stop').addEventListener('click', () => {
    page.state.training?.stop();
    byId<HTMLButtonElement>('train-stop').disabled = true;
    byId('train-status').textContent += ' · stopping after this epoch…';
  });
  byId('loss-range').addEventListener('click', () => {
    page.state.wholeRecord = !page.state.wholeRecord;
    renderLossChart(page);
  });
  byId('use-tutorial').addEventListener('click', () => page.enqueue(() => useData(page, null)));
  const column = byId<HTMLInputElement>('csv-column');
  column.value = params.get('column') ?? column.value;
  column.addEventListener('change', () => {
    const csv = page.state.csv;
    if (!csv) return;
    page.enqueue(async () => useData(page, await readCsv(page, csv.file)));
  });
  let resize = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(resize);
    resize = requestAnimationFrame(() => {
      renderForecastChart(page);
      renderLossChart(page);
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
    if (files.length) page.enqueue(() => openFiles(page, files));
  });

  const csvParam = params.get('csv');
  page.enqueue(async () => {
    // The model opens on the series from ?csv= (a model of several columns cannot run on the tutorial's), or on the
    // tutorial series when there is none or it cannot be read; that failure is shown after the model is.
    const csv = csvParam ? await fetchCsv(page, new URL(csvParam, location.href)).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))) : null;
    if (csv && !(csv instanceof Error)) page.state.csv = csv;
    await openUrl(page, new URL(params.get('model') ?? 'models/model.onnx', location.href));
    if (csv instanceof Error) throw csv;
  });
}

wire(createPage());
