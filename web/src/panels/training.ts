// The Training panel: the run that trained the model (metrics.json, train-log.jsonl) and fine-tuning it in the
// page, in a Web Worker, with a live loss chart, progress and Stop.
import { trainStepFile } from '../artifacts.ts';
import { lineChart } from '../chart.ts';
import { byId, fill, formatNumber, h } from '../dom.ts';
import { startFineTune } from '../finetune-client.ts';
import { fineTunedName, lossView, nextRunStart, progressText, type LiveRun } from '../loss-history.ts';
import { metricsTable } from '../metrics-table.ts';
import { decode } from '../page/model-file.ts';
import { boxWidth, type Loaded, type Page } from '../page/page.ts';

function trainable(page: Page, m: Loaded): boolean {
  return m.trainStep !== null && !!m.sidecars.manifest?.parameters && page.state.prepared !== null;
}

export function renderTraining(page: Page): void {
  const m = page.state.model;
  const metrics = m?.sidecars.metrics;
  fill(byId('metrics'), metrics ? metricsTable(metrics) : h('p', { class: 'note' }, m ? 'no metrics.json beside this model' : ''));
  renderLossChart(page);
}

export function renderLossChart(page: Page): void {
  const m = page.state.model;
  const log = m?.sidecars.log ?? [];
  const { lines, last, zoom } = lossView(log, page.state.runs);
  const toggle = byId<HTMLButtonElement>('loss-range');
  toggle.hidden = !zoom;
  toggle.textContent = page.state.wholeRecord ? 'zoom to the fine-tunes' : 'show every epoch';
  const hasCurve = log.length > 0 || page.state.runs.some((r) => r.epochs.length > 0);
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
          ...(zoom && !page.state.wholeRecord ? { xRange: zoom } : {}),
          markers: page.state.runs.length && last ? [{ x: last, label: 'browser →' }] : [],
          hidden: page.state.hiddenSeries,
          onToggle: () => renderLossChart(page),
        })
      : h('p', { class: 'note' }, m ? 'no train-log.jsonl beside this model' : ''),
  );
}

/** The train button is live only for a model that runs and has its train step and manifest beside it. */
export function updateTrainControls(page: Page): void {
  const m = page.state.model;
  byId<HTMLButtonElement>('train').disabled = !m || !trainable(page, m) || page.state.training !== null;
  // While a fine-tune runs, and after one, the status line tells how it went.
  if (!m || page.state.training || page.state.runs.length) return;
  const step = trainStepFile(m.sidecars.manifest);
  const ours = m.info.producer.startsWith('ingraph');
  byId('train-status').textContent = !m.trainStep
    ? ours
      ? `no ${step} beside this model: \`npm run build-graph\` writes it with the model`
      : `no ${step} beside this model: it was written by ${m.info.producer || 'another tool'}, and fine-tuning here needs the train step this project builds for its own forecasters (\`npm run build-graph\`)`
    : !m.sidecars.manifest?.parameters
      ? 'no manifest.json listing the parameters beside this model'
      : !page.state.prepared
        ? 'the model must run as a forecaster before it can be fine-tuned'
        : `fine-tunes this model on the training split with ${step}, on wasm in a Web Worker. Adam starts afresh: its moments are not saved with the model, so the first epochs can rise above the trained loss.`;
}

function progress(run: LiveRun): void {
  const bar = byId<HTMLProgressElement>('train-progress');
  bar.max = run.planned;
  bar.value = run.epochs.length;
  byId('train-status').textContent = progressText(run);
}

/** Fine-tunes the model shown on the training split; `show` then shows the fine-tuned model in its place. */
export async function train(page: Page, show: (m: Loaded) => Promise<void>): Promise<void> {
  const m = page.state.model;
  const p = page.state.prepared;
  const mf = m?.sidecars.manifest;
  const parameters = mf?.parameters;
  if (!m || !p || !m.trainStep || !parameters || !page.state.runner) throw new Error('nothing to train: open a model with its manifest.json and train_step.onnx');
  const num = (id: string) => Number(byId<HTMLInputElement>(id).value);
  const epochs = num('train-epochs');
  const batchSize = num('train-batch');
  const learningRate = num('train-lr');
  if (!(Number.isInteger(epochs) && epochs >= 1 && Number.isInteger(batchSize) && batchSize >= 1 && learningRate > 0)) {
    throw new Error('epochs and batch must be positive integers and the learning rate positive');
  }
  const run: LiveRun = { from: nextRunStart(m.sidecars.log ?? [], page.state.runs), planned: epochs, epochs: [] };
  page.state.runs.push(run);
  page.exposed.finetune = [];
  page.exposed.stopped = null;
  page.setStatus('training', `${m.name}: training…`);
  const training = startFineTune(
    { trainStep: await m.trainStep(), modelBytes: m.bytes, manifest: { parameters, optimizer: mf?.optimizer, input: mf?.input, output: mf?.output, config: mf?.config }, data: p, feed: page.state.runner.feed, epochs, batchSize, learningRate, seed: 0 },
    (r) => {
      run.epochs.push(r);
      page.exposed.finetune = [...run.epochs];
      renderLossChart(page);
      progress(run);
    },
  );
  page.state.training = training;
  updateTrainControls(page);
  const stop = byId<HTMLButtonElement>('train-stop');
  const bar = byId<HTMLProgressElement>('train-progress');
  stop.hidden = false;
  stop.disabled = false;
  bar.hidden = false;
  progress(run);
  try {
    const { model: bytes, stopped } = await training.done;
    page.exposed.stopped = stopped;
    if (!run.epochs.length) throw new Error('the fine-tune ended before its first epoch');
    run.planned = run.epochs.length;
    const name = fineTunedName(m.name);
    if (page.state.download) URL.revokeObjectURL(page.state.download);
    page.state.download = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    const link = byId<HTMLAnchorElement>('download');
    link.href = page.state.download;
    link.download = name;
    link.textContent = `Download ${name}`;
    link.hidden = false;
    await show({ ...m, name, bytes, external: [], ...decode(name, bytes) });
    const r = run.epochs[run.epochs.length - 1]!;
    byId('train-status').textContent = `${stopped ? `stopped after epoch ${r.epoch} of ${epochs}` : `${epochs} epochs done`}: train loss ${formatNumber(r.trainLoss)}, test loss ${formatNumber(r.testLoss)}; the page now shows ${name}`;
  } catch (e) {
    if (!run.epochs.length) page.state.runs.pop();
    renderLossChart(page);
    throw e;
  } finally {
    page.state.training = null;
    stop.hidden = true;
    bar.hidden = true;
    updateTrainControls(page);
  }
}
