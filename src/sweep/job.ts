// One sweep job: an ordinary train() run into its own folder. The folder is the job's whole state, so any worker
// that sees it (the shared-storage assumption) can skip a finished job, resume a killed one from its checkpoint,
// or read a failed one's reason.

import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../artifacts/manifest.ts';
import { CheckpointError } from '../artifacts/checkpoint.ts';
import type { CsvReadOptions } from '../data/csv-table.ts';
import { DataError } from '../data/errors.ts';
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
  checkpointSeconds?: number;
}

export type JobState =
  | { status: 'done'; test_mse: number | null; train_loss: number | null }
  | { status: 'failed'; reason: string }
  | { status: 'pending' };

const FAILED = 'failed.json';

/** What the job's folder says: metrics.json means done (train() writes it last), failed.json failed. */
export function jobState(dir: string): JobState {
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
  return e instanceof TrainError || e instanceof DataError || e instanceof CheckpointError || e instanceof RangeError;
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
    const r = await train({
      out: job.dir, data: job.data, ...job.settings, resume: existsSync(join(job.dir, FILES.checkpoint)),
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
