// Child: ingraph's own trainer, train() from src/train, on the tutorial preset. A short warm-up run first (it also
// builds the artifacts, which the timed run then reuses), then the timed run from the initial weights.
// Job (argv[2], JSON): { out, epochs, stepsPerRun, evalEvery, threads, warmupEpochs, ep?, hidden?, lstmForward? }.
import { train } from '../../src/train/trainer.ts';
import { cpuMsSince, peakRssMb, report } from './child.ts';

interface Job {
  out: string;
  epochs: number;
  stepsPerRun: number;
  evalEvery: number;
  threads: number;
  warmupEpochs: number;
  /** Execution provider (default cpu) and hidden size (default the preset's): the GPU check's workloads. */
  ep?: 'cpu' | 'cuda';
  hidden?: number;
  lstmForward?: 'op' | 'unrolled';
}

const job = JSON.parse(process.argv[2]!) as Job;
const common = { out: job.out, preset: 'tutorial' as const, stepsPerRun: job.stepsPerRun, threads: job.threads, ep: job.ep, hidden: job.hidden, lstmForward: job.lstmForward };
await train({ ...common, epochs: job.warmupEpochs, evalEvery: job.warmupEpochs });
// CPU time spans the whole call (data, sessions, the loop): a little more than train_seconds covers.
const cpu0 = process.cpuUsage();
const { metrics: m } = await train({ ...common, epochs: job.epochs, evalEvery: job.evalEvery });
const cpuMs = cpuMsSince(cpu0);
report({
  train_seconds: m.train_seconds, ms_per_step: m.ms_per_step, cpu_ms_per_step: cpuMs / m.steps, steps_per_second: m.steps_per_second, steps: m.steps,
  test_mse: m.test_mse, peak_rss_mb: peakRssMb(), extrapolated: false, process_seconds: performance.now() / 1000,
});
