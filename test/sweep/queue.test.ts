// Sweeps on a BullMQ queue in a real Redis (Debian's redis-server, started here), served by `ingraph worker`
// processes: the same leaderboard as the in-process pool, through a worker SIGKILLed mid-job and a Redis restart
// that loses every key.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FILES } from '../../src/artifacts/manifest.ts';
import { SweepError } from '../../src/sweep/errors.ts';
import { redisConnection } from '../../src/sweep/redis.ts';
import type { GridSettings } from '../../src/sweep/grid.ts';
import { runSweep, type SweepOptions, type SweepResult } from '../../src/sweep/sweep.ts';
import { readCheckpoint } from '../../src/train/checkpoint-file.ts';
import { writeLongCsv } from '../helpers/long-csv.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-queue-'));
const workers = new Set<ChildProcess>();
let redis: TestRedis;
const LOCK_SECONDS = 2;

before(async () => {
  redis = await startRedis();
});
after(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** An `ingraph worker` process, one job at a time; resolves once it serves the queue. */
async function startWorker(): Promise<ChildProcess> {
  const w = spawn(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'worker', '--queue', redis.url, '--concurrency', '1', '--lock-seconds', String(LOCK_SECONDS), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  workers.add(w);
  let err = '';
  await new Promise<void>((ok, fail) => {
    w.stderr!.on('data', (d: Buffer) => {
      err += d;
      if (err.includes('Ctrl-C to stop')) ok();
    });
    w.once('exit', (code) => fail(new Error(`worker exited (${code}): ${err}`)));
  });
  return w;
}
async function stop(w: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return;
  const gone = new Promise((ok) => w.once('exit', ok));
  w.kill(signal);
  await gone;
}

const SERIES = [{ id: 'north', points: 90 }, { id: 'south', points: 110 }, { id: 'tiny', points: 6 }, { id: 'east', points: 100 }];
const input = (name: string, grid: string, epochs: number, series = SERIES, base: GridSettings = {}) => {
  const data = join(dir, `${name}.csv`);
  writeLongCsv(data, series);
  return (out: string, backend: SweepOptions['backend']): SweepOptions => ({ out: join(dir, out), data, group: 'id', column: 'value', grid, base: { epochs, window: 8, ...base }, checkpointSeconds: 0.02, backend });
};
const onQueue = { kind: 'queue' as const, get url() { return redis.url; }, lockMs: LOCK_SECONDS * 1000 };
const inPool = { kind: 'pool' as const, workers: 2 };

/** The leaderboard's files, which hold no timings: equal seeds must give equal files. */
function assertSameBoard(a: SweepResult, b: SweepResult): void {
  for (const f of ['sweep.md', 'sweep.csv']) assert.equal(readFileSync(join(b.plan.out, f), 'utf8'), readFileSync(join(a.plan.out, f), 'utf8'), f);
  assert.deepEqual(b.board, a.board);
}
const logOf = (jobDir: string) => readFileSync(join(jobDir, 'train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number });
/** Every finished job trained each epoch once: its log has epochs 1..N, none twice (a resumed run truncates it), N
 *  being the epochs it ran (at most `epochs`: the default preset stops early). */
function assertEachEpochOnce(r: SweepResult, epochs: number): void {
  for (const { spec } of r.plan.jobs) {
    if (spec.series === 'tiny') continue;
    const ran = (JSON.parse(readFileSync(join(spec.dir, 'metrics.json'), 'utf8')) as { epochs: number }).epochs;
    assert.ok(ran <= epochs, spec.dir);
    assert.deepEqual(logOf(spec.dir).map((l) => l.epoch), Array.from({ length: ran }, (_, i) => i + 1), spec.dir);
  }
}
const finishedJobs = (out: string) =>
  readdirSync(join(dir, out, 'jobs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('metrics.json')).length;

// The kill test runs first, its victim alone; the two workers started to rescue its job then serve the others.
let rescuers: ChildProcess[] = [];

test('a worker SIGKILLed mid-job: another takes the job over from its checkpoint; every job done once', async () => {
  const epochs = 500;
  // Every epoch trained (no early stopping): with early stopping a job was ~170 steps, ~60 ms since the faster train
  // step, and could finish between the check below and the kill.
  const sweep = input('kill', 'hidden=4', epochs, SERIES.slice(0, 2), { patience: 0 });
  const victim = await startWorker();
  const running = runSweep(sweep('killed', onQueue));
  const jobs = join(dir, 'killed', 'jobs');
  // Well into a job (a checkpoint at epoch 50 or later), not finished. The checkpoint's own epoch, not the log's: the
  // trainer appends the log before it writes the checkpoint (so that a resumed run's log has no gap), and a job this
  // small can be killed between the two.
  const checkpointEpoch = (d: string) => (existsSync(join(d, FILES.checkpoint)) ? readCheckpoint(join(d, FILES.checkpoint)).epoch : 0);
  let midJob = '';
  while (!midJob) {
    await sleep(5);
    if (!existsSync(jobs)) continue;
    const logs = readdirSync(jobs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('train-log.jsonl')).map((f) => join(jobs, f, '..'));
    assert.ok(logs.length < 2 || !logs.every((d) => existsSync(join(d, 'metrics.json'))), 'the jobs finished before the worker could be killed mid-job');
    midJob = logs.find((d) => !existsSync(join(d, 'metrics.json')) && checkpointEpoch(d) >= 50) ?? '';
  }
  await stop(victim, 'SIGKILL');
  rescuers = await Promise.all([startWorker(), startWorker()]);
  const killed = await running;
  assert.ok(existsSync(join(midJob, 'metrics.json')));
  // Resumed, not restarted: the last run trained only the steps after the checkpoint (50+ of 500 epochs were done
  // before), and metrics.json's rate is over that run's steps.
  const m = JSON.parse(readFileSync(join(midJob, 'metrics.json'), 'utf8')) as { steps: number; steps_per_second: number; train_seconds: number };
  assert.ok(m.steps_per_second * m.train_seconds < 0.95 * m.steps, `the killed job was resumed from its checkpoint: ${JSON.stringify(m)}`);
  assert.equal(killed.board.rows.filter((r) => r.status === 'done').length, 2);
  assertEachEpochOnce(killed, epochs);
  assertSameBoard(await runSweep(sweep('unkilled', inPool)), killed);
});

test('16 jobs on 2 worker processes give the in-process leaderboard, the poisoned series failing alone', async () => {
  const sweep = input('grid', 'hidden=3,6 lr=1e-2,3e-3', 4);
  const queued = await runSweep(sweep('queued', onQueue));
  const pooled = await runSweep(sweep('pooled', inPool));
  assert.equal(queued.board.rows.length, 16);
  assert.equal(queued.board.rows.filter((r) => r.status === 'done').length, 12);
  const failed = queued.board.rows.filter((r) => r.status === 'failed');
  assert.deepEqual(failed.map((r) => r.series), ['tiny', 'tiny', 'tiny', 'tiny']);
  for (const f of failed) assert.match(f.reason!, /^the series has 6 values; window 8 with horizon 1 needs at least 9$/);
  assertSameBoard(pooled, queued);
  // Again: the finished jobs are skipped, the failed ones queued again (and failing the same way).
  const again = await runSweep(sweep('queued', onQueue));
  assert.equal(again.run.ran, 4);
  assertSameBoard(queued, again);
});

test('Redis restarted mid-sweep, losing every key: the sweep still completes with the same leaderboard', async () => {
  const epochs = 100;
  const sweep = input('restart', 'hidden=3,6', epochs, SERIES.slice(0, 2));
  const running = runSweep(sweep('restarted', onQueue));
  while (!existsSync(join(dir, 'restarted', 'jobs')) || finishedJobs('restarted') < 1) await sleep(20);
  await redis.restart();
  const restarted = await running;
  await Promise.all(rescuers.map((x) => stop(x)));
  assert.equal(finishedJobs('restarted'), 4);
  assertEachEpochOnce(restarted, epochs);
  assertSameBoard(await runSweep(sweep('steady', inPool)), restarted);
});

test('a URL that is not redis://HOST:PORT[/db], or an unreachable Redis: one line naming the URL, nothing written', async () => {
  assert.deepEqual(redisConnection('redis://u:p%40ss@10.0.0.5:7000/2'), { host: '10.0.0.5', port: 7000, username: 'u', password: 'p@ss', db: 2 });
  assert.deepEqual(redisConnection('redis://cache'), { host: 'cache', port: 6379 });
  for (const [url, msg] of [['http://x', /"http:\/\/x" is not a redis:\/\/ URL/], ['localhost:6379', /is not a redis:\/\/ URL/], ['redis://h:1/x', /the database after the port must be a number/]] as const) {
    assert.throws(() => redisConnection(url), (e: unknown) => e instanceof SweepError && msg.test(e.message), url);
  }
  const sweep = input('none', 'hidden=3', 1);
  const out = join(dir, 'unreachable');
  await assert.rejects(runSweep({ ...sweep('unreachable', inPool), backend: { kind: 'queue', url: 'redis://127.0.0.1:1' } }),
    (e: unknown) => e instanceof SweepError && /^cannot reach Redis at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED$/.test(e.message));
  assert.ok(!existsSync(out));
});
