// Rolling-origin backtest: one ordinary train() run per fold, each trained on the past and tested on the next block
// of window rows, in its own folder OUT/fold-K. A fold folder is its own record (fold.json says what it was asked
// to do; metrics.json, written last by train(), that it finished), so running the same backtest again skips the
// finished folds, resumes an interrupted one from its checkpoint, and refuses a folder left by other settings.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../artifacts/manifest.ts';
import type { Split } from '../data/split.ts';
import type { Evaluation } from '../metrics/evaluate.ts';
import { writeFileAtomic } from '../node/files.ts';
import { dataFingerprint, loadSeries, prepareDataset, type DataSource } from '../train/dataset.ts';
import { PRESETS, type PresetName, type TrainSettings } from '../train/presets.ts';
import { train, type Metrics, type TrainOptions } from '../train/trainer.ts';
import { ForecastError } from '../forecast/errors.ts';
import { backtestSplits } from './splits.ts';
import { summarize, type BacktestSummary } from './summary.ts';

export const BACKTEST_FILE = 'backtest.json';
const FOLD_FILE = 'fold.json';

export interface BacktestOptions extends Partial<TrainSettings> {
  out: string;
  /** Null: the tutorial's series (seeded by the settings' seed). */
  data: DataSource | null;
  folds: number;
  /** Window rows in each fold's test block; default: the second half of the rows shared equally by the folds. */
  testSize?: number;
  preset?: PresetName;
  season?: number;
  ep?: TrainOptions['ep'];
  threads?: number;
  checkpointSeconds?: number;
  signal?: AbortSignal;
  /** Before each fold: whether it is trained now, resumed, or was finished before. */
  onFold?: (f: { fold: number; folds: number; split: Split; state: 'train' | 'resume' | 'done' }) => void;
  /** The fold's own train() progress. */
  onEpoch?: TrainOptions['onEpoch'];
}

export interface FoldResult {
  fold: number;
  dir: string;
  split: Split;
  train_loss: number;
  best_epoch: number | null;
  test: Evaluation;
}

export interface BacktestReport {
  format: 'ingraph-backtest';
  version: 1;
  data: { source: string; columns: string[]; target: string };
  settings: TrainSettings;
  /** Window rows of the series (the folds' splits index them). */
  rows: number;
  folds: FoldResult[];
  summary: BacktestSummary;
}

/** Stopped by the signal: the finished folds and the checkpoint of the one in progress are kept, no report. */
export type BacktestResult = { interrupted: false; report: BacktestReport } | { interrupted: true; report: null };

export function foldDir(out: string, fold: number): string {
  return join(out, `fold-${fold}`);
}

export async function backtest(o: BacktestOptions): Promise<BacktestResult> {
  const preset = o.preset ?? 'default';
  const given = Object.fromEntries(Object.keys(PRESETS[preset]).map((k) => [k, o[k as keyof TrainSettings]]).filter(([, v]) => v !== undefined));
  const settings: TrainSettings = { ...PRESETS[preset], ...given };
  const series = await loadSeries(o.data, settings.seed);
  // The trainer's own windowing says how many rows there are (and refuses a series too short for one).
  const rows = prepareDataset(series, { window: settings.window, horizon: settings.horizon }).count;
  let splits: Split[];
  try {
    splits = backtestSplits(rows, o.folds, settings.horizon, { testSize: o.testSize });
  } catch (e) {
    throw new ForecastError(`--folds ${o.folds}: ${(e as Error).message}`);
  }
  const fingerprint = dataFingerprint(series);
  const results: FoldResult[] = [];
  for (const [k, split] of splits.entries()) {
    const fold = k + 1;
    const dir = foldDir(o.out, fold);
    const spec = JSON.stringify({ data: o.data, settings, split, season: o.season ?? null, fingerprint }, null, 2);
    const specPath = join(dir, FOLD_FILE);
    if (existsSync(specPath) && readFileSync(specPath, 'utf8') !== `${spec}\n`) {
      throw new ForecastError(`${dir} holds a fold of another backtest (other data, settings or folds); remove it or choose another --out`);
    }
    const done = existsSync(join(dir, FILES.metrics)) && existsSync(specPath);
    const resume = !done && existsSync(specPath) && existsSync(join(dir, FILES.checkpoint));
    o.onFold?.({ fold, folds: splits.length, split, state: done ? 'done' : resume ? 'resume' : 'train' });
    let metrics: Metrics;
    if (done) metrics = JSON.parse(readFileSync(join(dir, FILES.metrics), 'utf8')) as Metrics;
    else {
      writeFileAtomic(specPath, `${spec}\n`);
      const r = await train({
        out: dir, preset, ...settings, data: o.data, split, season: o.season, resume, ep: o.ep, threads: o.threads,
        checkpointSeconds: o.checkpointSeconds, signal: o.signal, onEpoch: o.onEpoch,
      });
      if (r.interrupted) return { interrupted: true, report: null };
      metrics = r.metrics;
    }
    if (!metrics.test) throw new ForecastError(`${dir}: fold ${fold} has no test evaluation in ${FILES.metrics}`);
    results.push({ fold, dir, split, train_loss: metrics.train_loss, best_epoch: metrics.best_epoch ?? null, test: metrics.test });
  }
  const report: BacktestReport = {
    format: 'ingraph-backtest', version: 1, data: { source: series.source, columns: series.names, target: series.targetName }, settings, rows,
    folds: results, summary: summarize(results.map((f) => f.test)),
  };
  writeFileAtomic(join(o.out, BACKTEST_FILE), `${JSON.stringify(report, null, 2)}\n`);
  return { interrupted: false, report };
}

/** A finished backtest's report, or null when OUT has none. */
export function readBacktest(out: string): BacktestReport | null {
  const path = join(out, BACKTEST_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BacktestReport) : null;
}
