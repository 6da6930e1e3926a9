// The scale-out backend: jobs on a BullMQ queue in Redis, run by `ingraph worker` processes on any machine that
// mounts the output folder at the same path. Each job runs in a sandboxed child process (BullMQ's), so the
// worker's event loop stays free to renew its lock. The job folders, not Redis, are the record: the coordinator
// polls them, and puts back any unfinished job Redis has lost (a restart without persistence).
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import { siblingModule } from '../node/ts-worker.ts';
import { jobState, type JobSpec } from './job.ts';
import { progressOf, type SweepProgress } from './progress.ts';
import { assertReachable, redisConnection } from './redis.ts';

export const QUEUE_NAME = 'ingraph-sweep';

/** How long a worker's lock on a job lasts unrenewed: a killed worker's job is taken over after about this long. */
export const LOCK_MS = 10_000;

const JOB_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: true };

/** The queue's id for a job: its folder, which tells two sweeps of the same settings apart. */
const queueId = (s: JobSpec) => createHash('sha256').update(s.dir).digest('hex').slice(0, 20);

export interface QueueRunOptions {
  url: string;
  /** At least the workers' lock duration: a job Redis lost is put back only after its last worker had to notice. */
  lockMs?: number;
  pollMs?: number;
  onProgress?: (p: SweepProgress) => void;
}

export async function runOnQueue(jobs: JobSpec[], o: QueueRunOptions): Promise<void> {
  await assertReachable(o.url);
  const queue = new Queue(QUEUE_NAME, { connection: redisConnection(o.url) });
  queue.on('error', () => {}); // Redis away for a while: the polls below retry
  const started = performance.now();
  try {
    const c = queueCoordinator(queue, jobs, o.lockMs ?? LOCK_MS);
    await c.add(jobs);
    for (;;) {
      const t0 = performance.now();
      const counts = await c.poll();
      o.onProgress?.(progressOf(counts, started));
      if (counts.done + counts.failed === counts.total) return;
      // A pass over many thousands of jobs takes a while: never spend more than a fifth of the time polling.
      await new Promise((r) => setTimeout(r, Math.max(o.pollMs ?? 500, 4 * (performance.now() - t0))));
    }
  } finally {
    await queue.close();
  }
}

/** The coordinator's state over one sweep's jobs: `poll` reads the unfinished jobs' folders, counts, and puts back
 *  on the queue each unfinished job that Redis has not known for longer than a worker's lock lasts. */
export function queueCoordinator(queue: Queue, jobs: JobSpec[], lockMs: number) {
  const add = (specs: JobSpec[]) => queue.addBulk(specs.map((s) => ({ name: s.series, data: s, opts: { ...JOB_OPTIONS, jobId: queueId(s) } })));
  const counts = { total: jobs.length, done: 0, failed: 0, running: 0 };
  let pending = jobs;
  const missingSince = new Map<string, number>();
  const poll = async (): Promise<typeof counts> => {
    pending = pending.filter((s) => {
      const st = jobState(s.dir).status;
      if (st !== 'pending') counts[st]++;
      return st === 'pending';
    });
    try {
      counts.running = await queue.getActiveCount();
      // One call for the ids of every job Redis still holds to run (finished jobs are removed from it).
      const queued = new Set(await queue.getRanges(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'], 0, -1));
      const now = Date.now();
      const lost = pending.filter((s) => {
        const id = queueId(s);
        if (queued.has(id)) {
          missingSince.delete(id);
          return false;
        }
        if (!missingSince.has(id)) missingSince.set(id, now);
        return now - missingSince.get(id)! > lockMs;
      });
      if (lost.length) {
        lost.forEach((s) => missingSince.delete(queueId(s)));
        await add(lost);
      }
    } catch {
      // Redis is unreachable for now; ioredis reconnects and the next poll carries on.
    }
    return { ...counts };
  };
  return { add, poll };
}

export interface QueueWorkerOptions {
  url: string;
  /** Jobs run at once by this worker, each in its own sandboxed process. */
  concurrency: number;
  lockMs?: number;
  onError?: (e: Error) => void;
}

/** A worker that runs the queue's jobs until closed. */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<Worker> {
  await assertReachable(o.url);
  const lockDuration = o.lockMs ?? LOCK_MS;
  const worker = new Worker(QUEUE_NAME, fileURLToPath(siblingModule(import.meta.url, 'queue-processor')), {
    connection: { ...redisConnection(o.url), maxRetriesPerRequest: null },
    concurrency: o.concurrency, lockDuration, stalledInterval: lockDuration / 2, maxStalledCount: 3,
  });
  worker.on('error', (e) => o.onError?.(e));
  // A lock this worker could not renew belongs to a job Redis lost or gave to another worker: stop it at the next
  // step (it checkpoints), so two workers never train the same folder for long.
  worker.on('lockRenewalFailed', (ids: string[]) => ids.forEach((id) => worker.cancelJob(id, 'the job lost its lock')));
  return worker;
}
