// BullMQ's sandboxed processor: one job in a child process of the worker.
import type { SandboxedJob } from 'bullmq';
import { runJob, type JobSpec, type JobState } from './job.ts';

// When the worker process dies (SIGKILL), its job goes to another worker, which resumes it from the checkpoint:
// this orphaned child must not keep writing into the same folder.
process.on('disconnect', () => process.exit(1));

export default async function processJob(job: SandboxedJob<JobSpec>, _token: string | undefined, signal?: AbortSignal): Promise<JobState> {
  return runJob(job.data, { last: job.attemptsMade + 1 >= (job.opts.attempts ?? 1), signal });
}
