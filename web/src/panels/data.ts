// The Data panel: the series the model runs on, and how it is windowed, split and normalised.
import { tutorial, type Series } from '../dataset.ts';
import { byId, fill, formatNumber, h } from '../dom.ts';
import type { Page } from '../page/page.ts';

export function currentSeries(page: Page): Series {
  const d = page.state.model?.sidecars.manifest?.data;
  return page.state.csv?.series ?? tutorial(d?.source === 'tutorial' && d.seed !== undefined ? d.seed : 0);
}

export function renderData(page: Page): void {
  const p = page.state.prepared;
  const series = p?.series ?? currentSeries(page);
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
