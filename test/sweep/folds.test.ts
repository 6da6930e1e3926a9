// sweep --folds: each grid point scored by a rolling-origin backtest (the mean over its folds), on the in-process
// pool and on the BullMQ queue with a real Redis; the baseline is the naive forecast's mean over the same folds.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { backtest, readBacktest } from '../../src/backtest/backtest.ts';
import { runSweep, type SweepOptions } from '../../src/sweep/sweep.ts';
import { writeLongCsv } from '../helpers/long-csv.ts';
import { startRedis } from '../helpers/redis.ts';
import { tempDirs } from '../helpers/tmp.ts';

const tmp = tempDirs('ingraph-sweep-folds');
const FOLDS = 2;
const BASE = { epochs: 3, window: 6 };

function sweepInput(root: string): Omit<SweepOptions, 'backend' | 'out'> {
  const data = join(root, 'long.csv');
  writeLongCsv(data, [{ id: 'north', points: 70 }, { id: 'tiny', points: 8 }]);
  return { data, group: 'id', column: 'value', grid: 'hidden=3,5', base: BASE, folds: FOLDS };
}

test('sweep --folds on the pool: each job a backtest, scored by its folds\' mean beside the naive mean over the same folds', async () => {
  const root = tmp();
  const input = sweepInput(root);
  const r = await runSweep({ ...input, out: join(root, 'sweep'), backend: { kind: 'pool', workers: 2 } });
  const done = r.board.rows.filter((x) => x.status === 'done');
  assert.deepEqual(done.map((x) => x.series), ['north', 'north']);
  for (const row of done) {
    const job = r.plan.jobs.find((j) => j.spec.id === row.job)!.spec;
    const report = readBacktest(job.dir)!;
    assert.equal(report.folds.length, FOLDS);
    const foldMse = report.folds.map((f) => JSON.parse(readFileSync(join(f.dir, 'metrics.json'), 'utf8')).test.model.mse as number);
    assert.equal(row.test_mse, report.summary.model.mse!.mean);
    assert.ok(Math.abs(row.test_mse! - foldMse.reduce((a, b) => a + b, 0) / FOLDS) <= 1e-12 * row.test_mse!);
    // The plan's baseline, computed without training, is the trainer's own naive score over the same test rows.
    assert.ok(Math.abs(row.naive_mse! - report.summary.naive.mse!.mean) <= 1e-9 * row.naive_mse!, `${row.naive_mse} vs ${report.summary.naive.mse!.mean}`);
  }
  // A job is exactly the backtest of its series with its settings.
  const first = r.plan.jobs.find((j) => j.spec.id === done[0]!.job)!.spec;
  const alone = await backtest({ out: join(root, 'alone'), data: { file: first.data.file, columns: [first.data.column] }, folds: FOLDS, ...first.settings });
  assert.deepEqual(alone.report!.summary, readBacktest(first.dir)!.summary);
  const tiny = r.board.rows.filter((x) => x.series === 'tiny');
  assert.ok(tiny.every((x) => x.status === 'failed' && /^--folds 2: .*: use fewer folds or more data$/.test(x.reason!)), JSON.stringify(tiny));
  assert.match(readFileSync(join(root, 'sweep', 'sweep.md'), 'utf8'), /\| test MSE \(mean of 2 folds\) \| naive MSE \(mean of 2 folds\) \|/);
  const again = await runSweep({ ...input, out: join(root, 'sweep'), backend: { kind: 'pool', workers: 2 } });
  assert.equal(again.run.ran, 2, 'only the failed jobs run again');
  assert.deepEqual(again.board, r.board);
});

test('sweep --folds on the BullMQ queue (a real Redis, one worker process) gives the pool\'s leaderboard', async () => {
  const root = tmp();
  const input = sweepInput(root);
  const redis = await startRedis();
  let worker: ChildProcess | null = null;
  after(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await redis.stop();
  });
  worker = spawn(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'worker', '--queue', redis.url, '--concurrency', '2', '--quiet'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const queued = await runSweep({ ...input, out: join(root, 'queued'), backend: { kind: 'queue', url: redis.url } });
  const pooled = await runSweep({ ...input, out: join(root, 'pooled'), backend: { kind: 'pool', workers: 2 } });
  assert.equal(queued.board.rows.filter((x) => x.status === 'done').length, 2);
  assert.deepEqual(queued.board, pooled.board);
  for (const f of ['sweep.md', 'sweep.csv']) assert.equal(readFileSync(join(root, 'queued', f), 'utf8'), readFileSync(join(root, 'pooled', f), 'utf8'));
});
