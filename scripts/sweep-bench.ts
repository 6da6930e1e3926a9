// Sweep throughput on this machine: jobs/s of one sweep on the in-process pool and on the BullMQ queue with 1 and 2
// workers; the per-job cost of each backend alone (jobs already finished, so runJob only reads the folder); and one
// pass of the queue coordinator over 10,000 unfinished jobs.
// Starts its own redis-server (Debian's) on a free port. Prints a table.
//   npx tsx scripts/sweep-bench.ts [--epochs 20] [--grid "hidden=4,8 lr=1e-2,3e-3"] [--trivial 200]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { runPool } from '../src/sweep/pool.ts';
import { QUEUE_NAME, queueCoordinator } from '../src/sweep/queue.ts';
import { redisConnection } from '../src/sweep/redis.ts';
import { runSweep, type Backend } from '../src/sweep/sweep.ts';
import { startRedis } from '../test/helpers/redis.ts';

const args = await yargs(hideBin(process.argv))
  .scriptName('sweep-bench')
  .strict()
  .option('data', { type: 'string', default: 'node_modules/vega-datasets/data/stocks.csv', describe: 'long-format CSV' })
  .option('group', { type: 'string', default: 'symbol' })
  .option('column', { type: 'string', default: 'price' })
  .option('grid', { type: 'string', default: 'hidden=4,8 lr=1e-2,3e-3' })
  .option('epochs', { type: 'number', default: 20 })
  .option('trivial', { type: 'number', default: 1000, describe: 'finished jobs pushed through each backend to time its own cost' })
  .parseAsync();

const root = mkdtempSync(join(tmpdir(), 'ingraph-sweep-bench-'));
const redis = await startRedis();
const workers: ChildProcess[] = [];

async function startWorkers(n: number): Promise<void> {
  while (workers.length < n) {
    const w = spawn(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'worker', '--queue', redis.url, '--concurrency', '1', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((ok) => w.stderr!.on('data', (d: Buffer) => String(d).includes('Ctrl-C to stop') && ok()));
    workers.push(w);
  }
}

/** Stops the workers after the first `keep`, and waits for them to be gone. */
async function stopWorkers(keep: number): Promise<void> {
  await Promise.all(workers.splice(keep).map((w) => new Promise((ok) => (w.once('exit', ok), w.kill('SIGTERM')))));
}

const rows: [string, string, string][] = [];
try {
  let finished: Awaited<ReturnType<typeof runSweep>> | null = null;
  for (const n of [1, 2]) {
    for (const kind of ['pool', 'queue'] as const) {
      const backend: Backend = kind === 'pool' ? { kind, workers: n } : { kind, url: redis.url };
      if (kind === 'queue') await startWorkers(n);
      const r = await runSweep({ out: join(root, `${kind}-${n}`), data: args.data, group: args.group, column: args.column, grid: args.grid, base: { epochs: args.epochs }, backend });
      finished = r;
      rows.push([`${kind === 'pool' ? 'in-process pool' : 'BullMQ queue'}, ${n} worker${n > 1 ? 's' : ''}`, `${r.run.ran} jobs (${args.epochs} epochs each) in ${r.run.seconds.toFixed(2)} s`, `${r.run.jobs_per_second.toFixed(2)} jobs/s`]);
    }
  }
  // Per-job cost of the machinery alone: finished jobs, which runJob skips after reading the folder. The pool's
  // is timed from its first job's end to its last's, so starting its thread is not counted.
  const done = finished!.plan.jobs.map((j) => j.spec);
  const specs = Array.from({ length: args.trivial }, (_, i) => done[i % done.length]!);
  const timed = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  let first = 0, last = 0;
  await runPool(specs, { workers: 1, onProgress: (p) => p.done === 1 && p.running === 0 ? (first = performance.now()) : p.done === specs.length && (last = performance.now()) });
  const poolMs = (last - first) / (specs.length - 1);
  rows.push(['in-process pool, 1 thread, finished jobs', `${specs.length} jobs (thread start not counted)`, `${poolMs.toFixed(2)} ms/job`]);
  await stopWorkers(1);
  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(redis.url) });
  const queueMs = (await timed(async () => {
    await queue.addBulk(specs.map((s, i) => ({ name: s.series, data: s, opts: { jobId: `bench-${i}`, removeOnComplete: true } })));
    while ((await queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) > 0) await sleep(5);
  })) / specs.length;
  rows.push(['BullMQ queue, 1 worker process, finished jobs', `${specs.length} jobs`, `${queueMs.toFixed(2)} ms/job`]);
  // The coordinator's pass over a large sweep: 10,000 queued, unfinished jobs (no worker takes them).
  await stopWorkers(0);
  const many = Array.from({ length: 10_000 }, (_, i) => ({ ...done[0]!, id: `many-${i}`, dir: join(root, 'many', String(i)) }));
  const c = queueCoordinator(queue, many, 10_000);
  const addMs = await timed(() => c.add(many));
  const pollMs = await timed(() => c.poll());
  rows.push(['coordinator, 10,000 unfinished jobs', `queued in ${(addMs / 1000).toFixed(2)} s`, `one poll ${(pollMs / 1000).toFixed(2)} s`]);
  await queue.obliterate({ force: true });
  await queue.close();
} finally {
  await stopWorkers(0);
  await redis.stop();
  rmSync(root, { recursive: true, force: true });
}
const width = rows.reduce((m, r) => r.map((c, i) => Math.max(m[i]!, c.length)), [0, 0, 0]);
console.log(rows.map((r) => `| ${r.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`).join('\n'));
