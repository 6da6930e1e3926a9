// The default backend, with nothing to install: a pool of worker threads in this process, each running one job
// at a time (train() on one intra-op thread), as many threads as asked (default: the cores).
import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '../node/ts-worker.ts';
import { recordFailure, type JobSpec, type JobState } from './job.ts';
import { progressOf, type SweepProgress } from './progress.ts';

const THREAD = siblingModule(import.meta.url, 'pool-thread');

export async function runPool(jobs: JobSpec[], o: { workers: number; onProgress?: (p: SweepProgress) => void }): Promise<void> {
  const counts = { total: jobs.length, done: 0, failed: 0, running: 0 };
  const started = performance.now();
  const report = () => o.onProgress?.(progressOf(counts, started));
  let next = 0;
  const lane = async () => {
    let thread = startWorker(THREAD);
    while (next < jobs.length) {
      const job = jobs[next++]!;
      counts.running++;
      report();
      let state: JobState;
      try {
        state = await ask(thread, job);
      } catch (e) {
        // A thread that died takes only its job with it: a fresh one serves the rest.
        state = recordFailure(job.dir, `the worker thread died: ${e instanceof Error ? e.message : String(e)}`);
        thread = startWorker(THREAD);
      }
      counts.running--;
      counts[state.status === 'done' ? 'done' : 'failed']++;
      report();
    }
    await thread.terminate();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.workers, jobs.length)) }, lane));
}

function ask(thread: Worker, job: JobSpec): Promise<JobState> {
  return new Promise((resolve, reject) => {
    const done = (f: () => void) => {
      thread.off('message', onMessage).off('error', onError).off('exit', onExit);
      f();
    };
    const onMessage = (s: JobState) => done(() => resolve(s));
    const onError = (e: Error) => done(() => reject(e));
    const onExit = (code: number) => done(() => reject(new Error(`exit code ${code}`)));
    thread.on('message', onMessage).on('error', onError).on('exit', onExit);
    thread.postMessage(job);
  });
}
