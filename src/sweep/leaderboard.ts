// The sweep's results, gathered from the job folders (so every backend yields the same board): ranked by the
// chosen metric, each beside the naive last-value forecast on the same test rows, the best job per series marked.

import { join } from 'node:path';
import { writeFileAtomic } from '../node/files.ts';
import type { TrainSettings } from '../train/presets.ts';
import { jobState } from './job.ts';
import type { SweepPlan } from './plan.ts';

export const METRICS = ['test_mse', 'train_loss'] as const;
export type Metric = (typeof METRICS)[number];

export interface LeaderboardRow {
  /** 1 = the series' best by the metric; null for a job that did not finish. */
  rank: number | null;
  series: string;
  job: string;
  status: 'done' | 'failed' | 'pending';
  settings: TrainSettings;
  test_mse: number | null;
  train_loss: number | null;
  naive_mse: number | null;
  /** The series' best finished job. */
  best: boolean;
  reason: string | null;
}

export interface Leaderboard {
  metric: Metric;
  /** Each job's scores are the means over a backtest of this many folds; null: one train run's. */
  folds: number | null;
  varied: (keyof TrainSettings)[];
  rows: LeaderboardRow[];
}

export function collectLeaderboard(plan: SweepPlan, metric: Metric): Leaderboard {
  const rows = plan.jobs.map(({ spec, baseline }): LeaderboardRow => {
    const s = jobState(spec.dir);
    const done = s.status === 'done';
    return {
      rank: null, series: spec.series, job: spec.id, status: s.status, settings: spec.settings,
      test_mse: done ? finite(s.test_mse) : null, train_loss: done ? finite(s.train_loss) : null, naive_mse: baseline,
      best: false, reason: s.status === 'failed' ? s.reason : null,
    };
  });
  const score = (r: LeaderboardRow) => (r.status === 'done' && r[metric] !== null ? r[metric]! : Infinity);
  // Series by name, each series' jobs by the metric (finished before failed): errors in different series' units
  // do not compare, so ranks count within a series.
  rows.sort((a, b) => cmp(a.series, b.series) || score(a) - score(b) || Number(a.status !== 'done') - Number(b.status !== 'done') || cmp(a.job, b.job));
  let rank = 0;
  rows.forEach((r, i) => {
    const first = i === 0 || rows[i - 1]!.series !== r.series;
    if (first) rank = 0;
    if (r.status !== 'done') return;
    r.rank = ++rank;
    r.best = rank === 1 && score(r) < Infinity;
  });
  return { metric, folds: plan.folds, varied: plan.varied, rows };
}

export interface RunSummary {
  backend: string;
  /** The pool's threads; null on the queue, whose workers are other processes. */
  workers: number | null;
  seconds: number;
  /** Jobs this run trained (finished jobs from earlier runs are skipped) and how fast. */
  ran: number;
  jobs_per_second: number;
}

/** sweep.json (with the run's timing), sweep.csv and sweep.md (timing-free, so equal seeds give equal files). */
export function writeLeaderboard(out: string, board: Leaderboard, run: RunSummary): string[] {
  const files = ['sweep.json', 'sweep.csv', 'sweep.md'].map((f) => join(out, f));
  writeFileAtomic(files[0]!, `${JSON.stringify({ ...board, run }, null, 2)}\n`);
  writeFileAtomic(files[1]!, leaderboardCsv(board));
  writeFileAtomic(files[2]!, leaderboardMarkdown(board));
  return files;
}

export function leaderboardCsv(b: Leaderboard): string {
  const head = ['rank', 'series', 'job', 'status', ...b.varied, 'test_mse', 'train_loss', 'naive_mse', 'best', 'reason'];
  const lines = b.rows.map((r) => [r.rank ?? '', r.series, r.job, r.status, ...b.varied.map((k) => r.settings[k]), r.test_mse ?? '', r.train_loss ?? '', r.naive_mse ?? '', r.best, r.reason ?? ''].map(csvCell).join(','));
  return `${[head.join(','), ...lines].join('\n')}\n`;
}

export function leaderboardMarkdown(b: Leaderboard): string {
  const over = b.folds ? ` (mean of ${b.folds} folds)` : '';
  const head = ['rank', 'series', ...b.varied, `${b.metric === 'test_mse' ? 'test MSE' : 'train loss'}${over}`, `naive MSE${over}`, 'test MSE / naive', 'best', 'job', 'note'];
  const lines = b.rows.map((r) => {
    const value = r[b.metric];
    const ratio = r.test_mse !== null && r.naive_mse ? r.test_mse / r.naive_mse : null;
    return [r.rank ?? '-', r.series, ...b.varied.map((k) => String(r.settings[k])), num(value), num(r.naive_mse), num(ratio), r.best ? '**best**' : '', r.job, r.reason ?? (r.status === 'pending' ? 'not run' : '')]
      .map((c) => String(c).replace(/\|/g, '\\|')).join(' | ');
  });
  const align = head.map((_, i) => (i === 0 || (i >= 2 + b.varied.length && i <= 4 + b.varied.length) ? '---:' : '---'));
  return `${[head.join(' | '), align.join(' | '), ...lines].map((l) => `| ${l} |`).join('\n')}\n`;
}

const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const num = (v: number | null) => (v === null ? '-' : v.toPrecision(4));
const csvCell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
