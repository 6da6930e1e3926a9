// `ingraph worker`: a thin adapter over startQueueWorker() — serves a sweep's queue until Ctrl-C or SIGTERM, then
// stops its running jobs at a checkpoint (BullMQ retries them, resuming there) and exits.
import { availableParallelism } from 'node:os';
import type { CommandModule } from 'yargs';
import { intAtLeast, positive } from './validate.ts';

interface Args {
  queue: string;
  concurrency?: number;
  'lock-seconds'?: number;
  quiet: boolean;
}

export const workerCommand: CommandModule<object, Args> = {
  command: 'worker',
  describe: 'run a sweep\'s queued jobs (BullMQ on Redis); start one per machine that sees the sweep\'s output folder',
  builder: (y) =>
    y
      .option('queue', { requiresArg: true, type: 'string', demandOption: true, describe: 'redis://HOST:PORT, as given to `sweep --queue`' })
      .option('concurrency', { requiresArg: true, type: 'number', describe: 'jobs at once, each in its own process (default: the cores)', coerce: intAtLeast('concurrency', 1) })
      .option('lock-seconds', { requiresArg: true, type: 'number', describe: 'a job whose worker stops renewing its lock goes to another worker after this (default 10)', coerce: positive('lock-seconds') })
      .option('quiet', { type: 'boolean', default: false })
      .example('$0 worker --queue redis://127.0.0.1:6379', ''),
  handler: async (a) => {
    const concurrency = a.concurrency ?? availableParallelism();
    const { startQueueWorker } = await import('../sweep/queue.ts');
    const worker = await startQueueWorker({
      url: a.queue, concurrency, lockMs: a['lock-seconds'] && a['lock-seconds'] * 1000,
      onError: (e) => process.stderr.write(`worker: ${e.message.split('\n')[0]}\n`),
    });
    if (!a.quiet) {
      worker.on('completed', (job, state: { status: string }) => process.stderr.write(`${job.data.series} ${job.data.id}: ${state.status}\n`));
      worker.on('failed', (job, e) => process.stderr.write(`${job?.data.series} ${job?.data.id}: attempt failed: ${e.message.split('\n')[0]}\n`));
    }
    process.stderr.write(`worker on ${a.queue}: ${concurrency} job${concurrency === 1 ? '' : 's'} at a time; Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    // Running jobs stop at their next step with a checkpoint; the retry (another worker, or this one restarted)
    // resumes from it.
    worker.cancelAllJobs('the worker is stopping');
    await worker.close();
  },
};
