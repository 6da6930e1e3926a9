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
  const add = (specs: JobSpec[]) => queue.addBulk(specs.map((s) => ({ name: s.series, data: s, opts: { ...JOB_OPTIONS, jobId: queueId(s) } })));
  const started = performance.now();
  const grace = o.lockMs ?? LOCK_MS;
  const missingSince = new Map<string, number>();
  try {
    await add(jobs);
    for (;;) {
      const counts = { total: jobs.length, done: 0, failed: 0, running: 0 };
      const pending = jobs.filter((s) => {
        const st = jobState(s.dir).status;
        if (st !== 'pending') counts[st]++;
        return st === 'pending';
      });
      try {
        counts.running = await queue.getActiveCount();
        const states = await Promise.all(pending.map((s) => queue.getJobState(queueId(s))));
        const now = Date.now();
        const lost = pending.filter((s, i) => {
          const id = queueId(s);
          if (states[i] !== 'unknown') {
            missingSince.delete(id);
            return false;
          }
          if (!missingSince.has(id)) missingSince.set(id, now);
          return now - missingSince.get(id)! > grace;
        });
        if (lost.length) {
          lost.forEach((s) => missingSince.delete(queueId(s)));
          await add(lost);
        }
      } catch {
        // Redis is unreachable for now; ioredis reconnects and the next poll carries on.
      }
      o.onProgress?.(progressOf(counts, started));
      if (pending.length === 0) return;
      await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
    }
  } finally {
    await queue.close();
  }
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
