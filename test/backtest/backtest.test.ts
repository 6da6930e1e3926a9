// backtest: rolling-origin folds as train() runs — reproducible, consistent with one train() on the same split,
// idempotent per fold folder, summarised as mean and spread beside the baselines; bad input in one line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { backtest, type BacktestReport } from '../../src/backtest/backtest.ts';
import { backtestSplits } from '../../src/backtest/splits.ts';
import { METRIC_NAMES, spread, summaryTable } from '../../src/backtest/summary.ts';
import { train } from '../../src/train/trainer.ts';
import { tempDirs } from '../helpers/tmp.ts';

const tmp = tempDirs('ingraph-backtest');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });

function writeSeries(dir: string): string {
  const file = join(dir, 'series.csv');
  const rows = Array.from({ length: 90 }, (_, i) => `${new Date(Date.UTC(2000, i, 1)).toISOString().slice(0, 10)},${(5 + 0.03 * i + Math.sin((2 * Math.PI * i) / 12)).toFixed(4)}`);
  writeFileSync(file, `date,y\n${rows.join('\n')}\n`);
  return file;
}

const SETTINGS = { window: 6, hidden: 3, epochs: 6 };
const withoutDirs = (r: BacktestReport) => ({ ...r, folds: r.folds.map(({ dir: _, ...f }) => f) });

test('folds: consecutive test blocks up to the last row; a horizon of H leaves H-1 rows out before each', () => {
  assert.deepEqual(backtestSplits(100, 3, 1), [
    { train: [0, 52], test: [52, 68] }, { train: [0, 68], test: [68, 84] }, { train: [0, 84], test: [84, 100] },
  ]);
  assert.deepEqual(backtestSplits(100, 2, 4, { testSize: 10 }), [{ train: [0, 77], test: [80, 90] }, { train: [0, 87], test: [90, 100] }]);
});

test('backtest: reproducible, a rerun skips finished folds, and each fold equals one train() on its split', async () => {
  const root = tmp();
  const file = writeSeries(root);
  const data = { file, columns: ['y'] };
  const states: string[] = [];
  const first = await backtest({ out: join(root, 'a'), data, folds: 3, ...SETTINGS, onFold: (f) => states.push(f.state) });
  assert.equal(first.interrupted, false);
  const a = first.report!;
  assert.equal(a.folds.length, 3);
  assert.deepEqual(a.folds.map((f) => f.split), backtestSplits(a.rows, 3, 1));

  const again = await backtest({ out: join(root, 'a'), data, folds: 3, ...SETTINGS, onFold: (f) => states.push(f.state) });
  assert.deepEqual(states, ['train', 'train', 'train', 'done', 'done', 'done']);
  assert.deepEqual(again.report, a);

  const b = (await backtest({ out: join(root, 'b'), data, folds: 3, ...SETTINGS })).report!;
  assert.deepEqual(withoutDirs(b), withoutDirs(a), 'the same data and settings give the same folds and scores');

  const fold = a.folds[1]!;
  const single = await train({ out: join(root, 'single'), data, split: fold.split, ...SETTINGS });
  assert.deepEqual(single.metrics.test, fold.test);
  assert.equal(single.metrics.train_loss, fold.train_loss);
});

test('backtest interrupted in its second fold resumes it from the checkpoint: the same report as an uninterrupted run', async () => {
  const root = tmp();
  const file = writeSeries(root);
  const data = { file, columns: ['y'] };
  const stop = new AbortController();
  let fold = 0;
  const first = await backtest({
    out: join(root, 'a'), data, folds: 3, ...SETTINGS, signal: stop.signal,
    onFold: (f) => (fold = f.fold), onEpoch: (e) => fold === 2 && e.epoch === 3 && stop.abort(),
  });
  assert.deepEqual(first, { interrupted: true, report: null });
  const states: string[] = [];
  const resumed = (await backtest({ out: join(root, 'a'), data, folds: 3, ...SETTINGS, onFold: (f) => states.push(f.state) })).report!;
  assert.deepEqual(states, ['done', 'resume', 'train']);
  const straight = (await backtest({ out: join(root, 'b'), data, folds: 3, ...SETTINGS })).report!;
  assert.deepEqual(withoutDirs(resumed), withoutDirs(straight));
});

test('backtest summary: each metric\'s mean and sample spread over the folds, for the model and both baselines', async () => {
  const root = tmp();
  const file = writeSeries(root);
  const r = (await backtest({ out: root, data: { file, columns: ['y'] }, folds: 3, ...SETTINGS })).report!;
  for (const who of ['model', 'naive', 'seasonalNaive'] as const) {
    for (const m of METRIC_NAMES) {
      const values = r.folds.map((f) => f.test[who][m]!);
      const mean = values.reduce((x, y) => x + y, 0) / values.length;
      const std = Math.sqrt(values.reduce((x, y) => x + (y - mean) ** 2, 0) / (values.length - 1));
      const s = r.summary[who][m]!;
      assert.ok(Math.abs(s.mean - mean) <= 1e-12 * Math.abs(mean), `${who} ${m} mean`);
      assert.ok(Math.abs(s.std - std) <= 1e-12 * Math.max(std, 1e-300), `${who} ${m} std`);
      assert.deepEqual([s.min, s.max], [Math.min(...values), Math.max(...values)]);
    }
  }
  assert.equal(r.summary.season, 12);
  assert.equal(summaryTable(r.summary).trim().split('\n').length, 2 + METRIC_NAMES.length);
  assert.deepEqual(spread([2, null]), null, 'a fold without the metric (MASE without scale) leaves no mean');
});

test('backtest: a folder of another backtest is refused; too many folds is one line from the command', async () => {
  const root = tmp();
  const file = writeSeries(root);
  const out = join(root, 'bt');
  await backtest({ out, data: { file, columns: ['y'] }, folds: 2, ...SETTINGS, epochs: 2 });
  await assert.rejects(backtest({ out, data: { file, columns: ['y'] }, folds: 2, ...SETTINGS, epochs: 3 }), {
    name: 'ForecastError', message: `${join(out, 'fold-1')} holds a fold of another backtest (other data, settings or folds); remove it or choose another --out`,
  });
  const many = cli('backtest', '--data', file, '--column', 'y', '--window', '6', '--folds', '60', '--out', join(root, 'many'));
  assert.equal(many.status, 1);
  assert.equal(many.stderr, `error: --folds 60: 60 folds of 1 test row after 42 training rows need 102 rows; there are 84: use fewer folds or more data\n`);
});
