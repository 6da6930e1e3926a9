// One sweep job: an ordinary train() run into its own folder, or with folds a backtest (one train() run per fold in
// the job's folder). The folder is the job's whole state, so any worker that sees it (the shared-storage
// assumption) can skip a finished job, resume a killed one from its checkpoint, or read a failed one's reason.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../artifacts/manifest.ts';
import { CheckpointError } from '../artifacts/checkpoint.ts';
import { backtest, readBacktest } from '../backtest/backtest.ts';
import type { CsvReadOptions } from '../data/csv-table.ts';
import { DataError } from '../data/errors.ts';
import { ForecastError } from '../forecast/errors.ts';
import { writeFileAtomic } from '../node/files.ts';
import { TrainError } from '../train/errors.ts';
import type { TrainSettings } from '../train/presets.ts';
import { train } from '../train/trainer.ts';

export interface JobSpec {
  /** Hash of the series' values and the settings: the same job always gets the same id and folder. */
  id: string;
  series: string;
  /** Absolute, so every worker that mounts the output folder at the same path finds it. */
  dir: string;
  /** The file, its value column and how to read it, as the plan read it. */
  data: CsvReadOptions & { file: string; column: string | number };
  settings: TrainSettings;
  /** Score by a backtest of this many folds (the means over them) instead of one train run. */
  folds?: number;
  /** The seasonal-naive baseline's period in the job's report (default: from the date column, else 1). */
  season?: number;
  checkpointSeconds?: number;
}

export type JobState =
  | { status: 'done'; test_mse: number | null; train_loss: number | null }
  | { status: 'failed'; reason: string }
  | { status: 'pending' };

const FAILED = 'failed.json';

/** What the job's folder says: metrics.json (train() writes it last) or backtest.json (the means over the folds)
 *  means done, failed.json failed. */
export function jobState(dir: string): JobState {
  const report = readBacktest(dir);
  if (report) {
    const s = report.summary;
    return { status: 'done', test_mse: s.model.mse?.mean ?? null, train_loss: report.folds.reduce((a, f) => a + f.train_loss, 0) / report.folds.length };
  }
  const metrics = join(dir, FILES.metrics);
  if (existsSync(metrics)) {
    const m = JSON.parse(readFileSync(metrics, 'utf8')) as { test_mse: number | null; train_loss: number | null };
    return { status: 'done', test_mse: m.test_mse, train_loss: m.train_loss };
  }
  const failed = join(dir, FAILED);
  if (existsSync(failed)) return { status: 'failed', reason: (JSON.parse(readFileSync(failed, 'utf8')) as { reason: string }).reason };
  return { status: 'pending' };
}

/** Clears a failure recorded by an earlier run, before the job is run again. */
export function forgetFailure(dir: string): void {
  rmSync(join(dir, FAILED), { force: true });
}

/** Failures that another attempt would repeat (bad series, non-finite loss, a damaged checkpoint). */
function isJobFailure(e: unknown): boolean {
  return e instanceof TrainError || e instanceof DataError || e instanceof ForecastError || e instanceof CheckpointError || e instanceof RangeError;
}

/**
 * Runs the job unless its folder says it is done; resumes from its checkpoint when one exists. A job failure is
 * written to failed.json and returned; any other error is thrown for a retry, or, on the `last` attempt, recorded
 * as a failure too.
 */
export async function runJob(job: JobSpec, o: { last: boolean; signal?: AbortSignal }): Promise<JobState> {
  const before = jobState(job.dir);
  if (before.status === 'done') return before;
  try {
    if (job.folds) {
      // The backtest skips its finished folds and resumes the one in progress itself.
      const r = await backtest({ out: job.dir, data: job.data, folds: job.folds, ...job.settings, season: job.season, checkpointSeconds: job.checkpointSeconds, signal: o.signal });
      if (r.interrupted) throw new Error(`job ${job.id} was stopped; its finished folds and checkpoint are kept for the next attempt`);
      return jobState(job.dir);
    }
    const r = await train({
      out: job.dir, data: job.data, ...job.settings, season: job.season, resume: existsSync(join(job.dir, FILES.checkpoint)),
      checkpointSeconds: job.checkpointSeconds, signal: o.signal,
    });
    if (r.interrupted) throw new Error(`job ${job.id} was stopped at epoch ${r.metrics.epochs}; its checkpoint is kept for the next attempt`);
    return jobState(job.dir);
  } catch (e) {
    if (!isJobFailure(e) && !o.last) throw e;
    return recordFailure(job.dir, e);
  }
}

/** Writes the error's first line to the job's failed.json and returns that state. */
export function recordFailure(dir: string, e: unknown): JobState {
  const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
  writeFileAtomic(join(dir, FAILED), `${JSON.stringify({ reason })}\n`);
  return { status: 'failed', reason };
}
