// The Data panel: the series the model runs on, and how it is windowed, split and normalised.
import { columnChoice, csvSeries, sameChoice, tutorial, type Series } from '../dataset.ts';
import { byId, fill, formatNumber, h } from '../dom.ts';
import type { CsvData, Page } from '../page/page.ts';

/** A CSV series read with the columns the page asks for now (see columnChoice). */
export async function readCsv(page: Page, file: File): Promise<CsvData> {
  const choice = columnChoice(byId<HTMLInputElement>('csv-column').value, page.state.model?.sidecars.manifest ?? null, file.name);
  return { file, series: await csvSeries(file, choice), choice };
}

/** The series the model runs on: the CSV given (read again when the model opened wants other columns of it), or
 *  the tutorial's. */
export async function currentSeries(page: Page): Promise<Series> {
  const csv = page.state.csv;
  if (csv) {
    const want = columnChoice(byId<HTMLInputElement>('csv-column').value, page.state.model?.sidecars.manifest ?? null, csv.file.name);
    if (!sameChoice(want, csv.choice)) page.state.csv = await readCsv(page, csv.file);
    return page.state.csv!.series;
  }
  const d = page.state.model?.sidecars.manifest?.data;
  return tutorial(d?.source === 'tutorial' && d.seed !== undefined ? d.seed : 0);
}

export function renderData(page: Page): void {
  const p = page.state.prepared;
  const series = p?.series ?? page.state.csv?.series;
  const rows: [string, string][] = [
    ['source', !series || series.source === 'tutorial' ? 'tutorial: sin(x·π/180) + N(0, 0.05²), x = 1..720' : series.source],
  ];
  if (series) {
    rows.push(
      ['points', String(series.target.length)],
      ['input columns', series.names.join(', ')],
      ['forecast column', series.targetName],
    );
  }
  if (p) {
    rows.push(
      ['window, horizon', `${p.window}, ${p.horizon}`],
      ['train rows', `${p.split.train[0]}–${p.split.train[1]} (${p.split.train[1] - p.split.train[0]})`],
      ...(p.split.validation ? [['validation rows', `${p.split.validation[0]}–${p.split.validation[1]} (${p.split.validation[1] - p.split.validation[0]})`] as [string, string]] : []),
      ['test rows', `${p.split.test[0]}–${p.split.test[1]} (${p.split.test[1] - p.split.test[0]})`],
      ...(p.normalizer ? [['normalisation', `mean ${formatNumber(p.normalizer.mean)}, std ${formatNumber(p.normalizer.std)}: inside model.onnx; fine-tuning feeds the train step normalised windows`] as [string, string]] : []),
    );
  }
  fill(byId('data-info'), h('table', { class: 'kv' }, ...rows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v)))));
}
