// Child: TensorFlow.js (pure-JS CPU backend) trains the tutorial model from the trainer's initial weights on the
// trainer's batches. Job (argv[2], JSON): { workload, steps: null for every epoch or a budget of optimizer steps,
// warmupSteps }.
import { cpuMsSince, peakRssMb, report } from './child.ts';
import { buildModel, mse, predict, tf, trainSteps } from './tfjs-model.ts';
import { batchOrder, initialWeights, workloadData, type Workload } from './workload.ts';

interface Job {
  workload: Workload;
  steps: number | null;
  warmupSteps: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const w = job.workload;
await tf.setBackend('cpu');
const data = workloadData(w);
const init = initialWeights(w);
const order = batchOrder(w, data.trainRows).flat();
const all = order.length;
const steps = Math.min(job.steps ?? all, all);

const warm = buildModel(w, init);
trainSteps(warm, w, data, order.slice(0, job.warmupSteps)); // JIT and kernel warm-up on a throwaway copy
warm.dispose();

const model = buildModel(w, init);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
trainSteps(model, w, data, order.slice(0, steps));
const full = steps === all;
const testMse = full ? mse(predict(model, data.testX, data.testRows, w.window), data.testY) : NaN;
const seconds = (performance.now() - t0) / 1000;
const cpuMs = cpuMsSince(cpu0);
const ms = (seconds * 1000) / steps;
report({
  train_seconds: full ? seconds : (ms * all) / 1000, ms_per_step: ms, cpu_ms_per_step: cpuMs / steps, steps_per_second: 1000 / ms, steps,
  test_mse: testMse, peak_rss_mb: peakRssMb(), extrapolated: !full, process_seconds: performance.now() / 1000,
  note: full ? undefined : `${steps} of ${all} steps timed; total extrapolated`,
});
