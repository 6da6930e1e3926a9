// A sweep from end to end: plan the jobs, run the unfinished ones on the chosen backend (worker threads here, or a
// BullMQ queue served by workers anywhere), then gather the leaderboard from the job folders.
import { availableParallelism } from 'node:os';
import { forgetFailure, jobState } from './job.ts';
import { collectLeaderboard, writeLeaderboard, type Leaderboard, type Metric, type RunSummary } from './leaderboard.ts';
import { planSweep, type SweepInput, type SweepPlan } from './plan.ts';
import { runPool } from './pool.ts';
import type { SweepProgress } from './progress.ts';
import { assertReachable } from './redis.ts';
import { runOnQueue } from './queue.ts';

export type Backend = { kind: 'pool'; workers?: number } | { kind: 'queue'; url: string; lockMs?: number };

export interface SweepOptions extends SweepInput {
  backend: Backend;
  metric?: Metric;
  /** After planning: how many jobs there are and how many are left from earlier runs. */
  onPlan?: (p: { jobs: number; todo: number; series: number }) => void;
  onProgress?: (p: SweepProgress) => void;
}

export interface SweepResult {
  plan: SweepPlan;
  board: Leaderboard;
  run: RunSummary;
  files: string[];
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  // An unreachable queue fails before the data is read or anything is written.
  if (o.backend.kind === 'queue') await assertReachable(o.backend.url);
  const plan = await planSweep(o);
  // Finished jobs are skipped; those that failed in an earlier run are tried again.
  const todo = plan.jobs.map((j) => j.spec).filter((s) => jobState(s.dir).status !== 'done');
  todo.forEach((s) => forgetFailure(s.dir));
  o.onPlan?.({ jobs: plan.jobs.length, todo: todo.length, series: new Set(plan.jobs.map((j) => j.spec.series)).size });
  const t0 = performance.now();
  const b = o.backend;
  const workers = b.kind === 'pool' ? (b.workers ?? availableParallelism()) : null;
  if (todo.length > 0) {
    if (b.kind === 'pool') await runPool(todo, { workers: workers ?? 1, onProgress: o.onProgress });
    else await runOnQueue(todo, { url: b.url, lockMs: b.lockMs, onProgress: o.onProgress });
  }
  const seconds = (performance.now() - t0) / 1000;
  const board = collectLeaderboard(plan, o.metric ?? 'test_mse');
  const run: RunSummary = { backend: b.kind, workers, seconds: +seconds.toFixed(3), ran: todo.length, jobs_per_second: todo.length ? +(todo.length / seconds).toFixed(3) : 0 };
  return { plan, board, run, files: writeLeaderboard(plan.out, board, run) };
}
