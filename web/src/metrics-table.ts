// metrics.json as two readable tables: how the run went (losses, epochs, speed) and what it was run with (the
// settings), each key labelled in words. Keys the page does not know are shown as they are, after the known ones.
import type { Metrics } from './artifacts.ts';
import { accuracyTable, isEvaluation } from './accuracy-table.ts';
import { formatNumber, h } from './dom.ts';

/** The trainer's keys (src/train/trainer.ts Metrics), in the order a reader wants them, with their labels. */
const RESULT_LABELS: [string, string][] = [
  ['train_loss', 'final train loss'],
  ['val_mse', 'validation MSE (kept epoch)'],
  ['test_mse', 'final test MSE'],
  ['epochs', 'epochs'],
  ['best_epoch', 'epoch kept (best on validation)'],
  ['stopped_early', 'stopped early'],
  ['steps', 'optimizer steps'],
  ['train_seconds', 'training time (s)'],
  ['ms_per_step', 'ms per step'],
  ['steps_per_second', 'steps per second'],
  ['ep', 'execution provider'],
  ['preset', 'preset'],
  ['data', 'data'],
];

const SETTING_LABELS: [string, string][] = [
  ['optimizer', 'optimizer'],
  ['lr', 'learning rate'],
  ['batchSize', 'batch size'],
  ['epochs', 'epochs asked for'],
  ['hidden', 'LSTM hidden size'],
  ['layers', 'LSTM layers'],
  ['window', 'window'],
  ['horizon', 'horizon (steps forecast)'],
  ['local', 'local windows (last, window or none)'],
  ['valFraction', 'validation share of the training rows'],
  ['patience', 'early-stopping patience (epochs)'],
  ['lrSchedule', 'learning-rate schedule'],
  ['dense', 'dense layers after the LSTM'],
  ['normalize', 'normalise the series'],
  ['loss', 'loss'],
  ['seed', 'seed'],
];

function show(v: unknown, key: string): string {
  if (typeof v === 'number') return formatNumber(v, 5);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return key === 'dense' && v.length === 0 ? 'none' : v.map((x) => (typeof x === 'number' ? formatNumber(x) : JSON.stringify(x))).join(', ');
  return JSON.stringify(v);
}

function rows(o: Record<string, unknown>, labels: [string, string][], skip: Set<string>): HTMLTableRowElement[] {
  const known = new Map(labels);
  const keys = [...labels.map(([k]) => k).filter((k) => k in o), ...Object.keys(o).filter((k) => !known.has(k) && !skip.has(k))];
  return keys.map((k) => h('tr', { 'data-key': k }, h('th', null, known.get(k) ?? k), h('td', null, show(o[k], k))));
}

export function metricsTable(m: Metrics): HTMLElement {
  const settings = m.settings !== null && typeof m.settings === 'object' && !Array.isArray(m.settings) ? (m.settings as Record<string, unknown>) : null;
  return h(
    'div',
    { class: 'metrics' },
    h('table', { class: 'kv', id: 'metrics-result' }, ...rows(m, RESULT_LABELS, new Set(['settings', 'test']))),
    isEvaluation(m.test) ? h('div', { id: 'metrics-test' }, accuracyTable(m.test, `metrics.json: the trainer's test forecasts (${m.test.points} windows × ${m.test.horizon} steps) beside the baselines`)) : null,
    settings ? h('details', null, h('summary', null, 'settings of the run'), h('table', { class: 'kv', id: 'metrics-settings' }, ...rows(settings, SETTING_LABELS, new Set()))) : null,
  );
}
