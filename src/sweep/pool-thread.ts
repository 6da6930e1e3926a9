// A pool thread: runs the jobs it is sent, one at a time, and answers each with the job's final state.
import { parentPort } from 'node:worker_threads';
import { runJob, type JobSpec, type JobState } from './job.ts';

parentPort!.on('message', async (job: JobSpec) => {
  let state: JobState;
  try {
    state = await runJob(job, { last: true });
  } catch (e) {
    // Only recording the failure itself can throw here (an unwritable folder): still an answer for this job.
    state = { status: 'failed', reason: (e instanceof Error ? e.message : String(e)).split('\n')[0]! };
  }
  parentPort!.postMessage(state);
});
