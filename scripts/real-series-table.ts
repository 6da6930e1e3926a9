// Trains with the default preset on each public real series (scripts/real-series-data.ts) and writes the table of
// every test metric — the model beside the naive and seasonal-naive forecasts at the same test points — into
// docs/forecasting.md (between its real-series markers), and prints it. With --folds K, a rolling-origin backtest
// of each series too (the mean and spread of each metric over K folds). Usage:
//   npm run real-series [-- --folds 3] [--only co2] [--no-write]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backtest } from '../src/backtest/backtest.ts';
import { FORECASTERS, METRIC_NAMES, type BacktestSummary } from '../src/backtest/summary.ts';
import type { Evaluation } from '../src/metrics/evaluate.ts';
import { writeFileAtomic } from '../src/node/files.ts';
import { formatNumber } from '../src/plot/format-number.ts';
import { PRESETS } from '../src/train/presets.ts';
import { train } from '../src/train/trainer.ts';
import { REAL_SERIES, type RealSeries } from './real-series-data.ts';

const DOC = join(import.meta.dirname, '..', 'docs', 'forecasting.md');
const START = '<!-- real-series:start (written by npm run real-series) -->';
const END = '<!-- real-series:end -->';

const { values: args } = parseArgs({ options: { folds: { type: 'string' }, only: { type: 'string' }, 'no-write': { type: 'boolean', default: false } } });
const folds = args.folds === undefined ? 0 : Number(args.folds);
if (!Number.isInteger(folds) || folds < 0) throw new Error(`--folds must be a whole number, got ${args.folds}`);

interface Row {
  series: RealSeries;
  test: Evaluation;
  epochs: number;
  bestEpoch: number;
  seconds: number;
  backtest: BacktestSummary | null;
}

const rows: Row[] = [];
const work = mkdtempSync(join(tmpdir(), 'ingraph-real-series-'));
try {
  for (const s of REAL_SERIES.filter((r) => !args.only || r.name.includes(args.only))) {
    process.stderr.write(`${s.name}: training with the default preset…\n`);
    const t0 = performance.now();
    const { metrics } = await train({ out: join(work, `${rows.length}`), data: s.data });
    const seconds = (performance.now() - t0) / 1000;
    let summary: BacktestSummary | null = null;
    if (folds > 0) {
      process.stderr.write(`${s.name}: backtest of ${folds} folds…\n`);
      const r = await backtest({ out: join(work, `${rows.length}-backtest`), data: s.data, folds });
      summary = r.report!.summary;
    }
    rows.push({ series: s, test: metrics.test!, epochs: metrics.epochs, bestEpoch: metrics.best_epoch, seconds, backtest: summary });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const text = tables(rows);
process.stdout.write(text);
if (!args['no-write'] && !args.only) {
  const doc = readFileSync(DOC, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC} has no ${START} … ${END} section`);
  writeFileAtomic(DOC, `${doc.slice(0, a + START.length)}\n${text}${doc.slice(b)}`);
  process.stderr.write(`wrote the table into ${DOC}\n`);
}

function tables(rs: Row[]): string {
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '-' : formatNumber(v));
  const label = { model: 'model', naive: 'naive', seasonalNaive: 'seasonal naive' } as const;
  const p = PRESETS.default;
  const lines = [
    `Default preset (window ${p.window}, hidden ${p.hidden}, ${p.epochs} epochs at most, lr ${p.lr}, local ${p.local}, normalize ${p.normalize}, validation ${p.valFraction}, patience ${p.patience}, ${p.lrSchedule}), seed ${p.seed}, the default split (the last 20% of the windows test); measured ${new Date().toISOString().slice(0, 10)} with \`npm run real-series${folds ? ` -- --folds ${folds}` : ''}\`.`,
    '',
    '| series | test points | season | forecast | MSE | RMSE | MAE | sMAPE | MASE |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rs) {
    for (const who of FORECASTERS) {
      const a = r.test[who];
      const first = who === 'model';
      lines.push(`| ${first ? `${r.series.name}<br>${r.series.about}` : ''} | ${first ? r.test.points : ''} | ${first ? r.test.season : ''} | ${label[who]} | ${METRIC_NAMES.map((m) => f(a[m])).join(' | ')} |`);
    }
  }
  lines.push('', 'Test MAE compared (the acceptance: below both baselines on the same test points):', '');
  lines.push('| series | model MAE | naive MAE | seasonal-naive MAE | below both | epochs (best) | train time | verdict |', '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |');
  for (const r of rs) {
    const t = r.test;
    const wins = t.model.mae < t.naive.mae && t.model.mae < t.seasonalNaive.mae;
    lines.push(`| ${r.series.name} | ${f(t.model.mae)} | ${f(t.naive.mae)} | ${f(t.seasonalNaive.mae)} | ${wins ? 'yes' : '**no**'} | ${r.epochs} (${r.bestEpoch}) | ${r.seconds.toFixed(1)} s | ${t.verdict} |`);
  }
  if (rs.some((r) => r.backtest)) {
    lines.push('', `Rolling-origin backtest, ${folds} folds (mean ± standard deviation of the test MAE and MASE over the folds):`, '');
    lines.push('| series | model MAE | naive MAE | seasonal-naive MAE | model MASE | verdict on the means |', '| --- | ---: | ---: | ---: | ---: | --- |');
    const pm = (s: { mean: number; std: number } | null) => (s ? `${formatNumber(s.mean)} ± ${formatNumber(s.std)}` : '-');
    for (const r of rs) {
      const b = r.backtest;
      if (b) lines.push(`| ${r.series.name} | ${pm(b.model.mae)} | ${pm(b.naive.mae)} | ${pm(b.seasonalNaive.mae)} | ${pm(b.model.mase)} | ${b.verdict} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
