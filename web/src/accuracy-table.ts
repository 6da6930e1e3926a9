// A forecast's accuracy beside the baselines' at the same points: one row per metric, one column per forecast,
// the better of model and baselines marked, and the verdict under it. Shows the page's own evaluation and
// metrics.json's `test` alike.
import type { Accuracy, Evaluation } from '../../src/metrics/index.ts';
import { formatNumber, h } from './dom.ts';

const METRICS: [keyof Accuracy, string][] = [
  ['mse', 'MSE'],
  ['rmse', 'RMSE'],
  ['mae', 'MAE'],
  ['smape', 'sMAPE'],
  ['mase', 'MASE'],
];

/** An evaluation as read from JSON: the shape is checked, since metrics.json may be old or hand-edited. */
export function isEvaluation(v: unknown): v is Evaluation {
  const e = v as Partial<Evaluation> | null;
  const acc = (a: unknown) => typeof a === 'object' && a !== null && typeof (a as Accuracy).mae === 'number';
  return typeof e === 'object' && e !== null && acc(e.model) && acc(e.naive) && acc(e.seasonalNaive) && typeof e.season === 'number';
}

export function accuracyTable(e: Evaluation, caption = `test forecasts (${e.points} windows × ${e.horizon} steps) beside the baselines`): HTMLElement {
  const columns: [string, Accuracy][] = [['model', e.model], ['naive', e.naive]];
  if (e.season > 1) columns.push([`seasonal naive (${e.season})`, e.seasonalNaive]);
  const cell = (v: number | null | undefined, best: boolean) => h('td', best ? { class: 'best' } : null, typeof v === 'number' ? formatNumber(v) : '–');
  return h(
    'div',
    { class: 'accuracy' },
    h(
      'table',
      { class: 'accuracy-table' },
      h('caption', null, caption),
      h('tr', null, h('th', null, ''), ...columns.map(([name]) => h('th', { scope: 'col' }, name))),
      ...METRICS.map(([key, label]) => {
        const values = columns.map(([, a]) => a[key]);
        const finite = values.filter((v): v is number => typeof v === 'number');
        const best = finite.length ? Math.min(...finite) : NaN;
        return h('tr', { 'data-metric': key }, h('th', { scope: 'row' }, label), ...values.map((v) => cell(v, v === best)));
      }),
    ),
    h('p', { class: 'verdict' }, e.verdict),
  );
}
