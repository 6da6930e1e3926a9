// Child: TensorFlow.js (pure-JS CPU backend, one thread) at the scaling grid's sizes, the grid's counterpart of
// torch_grid.py: one JSON request per stdin line {hidden, window, batch, repeats, budget_ms}, answered with
// `GRID_RESULT {"ms_per_step": [...]}`. The tutorial's model (tfjs-model.ts) and loop (Adam on MSE, the loss read
// every step) on synthetic sine windows; one warm-up step, then `repeats` timings of about `budget_ms` each, at least
// one step each, or the warm-up step alone where it took longer than all of them.
import { createInterface } from 'node:readline';
import { buildModel, tf } from './tfjs-model.ts';
import { GRID_MARK } from './grid-child.ts';
import { ADAM, initialWeights, TUTORIAL } from './workload.ts';

interface Request {
  hidden: number;
  window: number;
  batch: number;
  repeats: number;
  budget_ms: number;
}

function measure(r: Request): number[] {
  const w = { ...TUTORIAL, hidden: r.hidden, window: r.window, batchSize: r.batch };
  const model = buildModel(w, initialWeights(w));
  const x = new Float32Array(r.batch * r.window), y = new Float32Array(r.batch);
  for (let b = 0; b < r.batch; b++) {
    const phase = (b * 2.399) % (2 * Math.PI);
    for (let t = 0; t < r.window; t++) x[b * r.window + t] = Math.sin(phase + t * 0.0175);
    y[b] = Math.sin(phase + r.window * 0.0175);
  }
  const xb = tf.tensor3d(x, [r.batch, r.window, 1]), yb = tf.tensor2d(y, [r.batch, 1]);
  const opt = tf.train.adam(w.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
  const steps = (n: number) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const cost = opt.minimize(() => tf.losses.meanSquaredError(yb, model.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
      cost.dataSync();
      cost.dispose();
    }
    return (performance.now() - t0) / n;
  };
  const one = steps(1); // warm-up
  const n = Math.max(1, Math.min(200, Math.round(r.budget_ms / Math.max(one, 1e-3))));
  // A step slower than all the repeats' budget together (TF.js at the large sizes takes seconds to minutes a step):
  // the warm-up step is the one measurement, so the grid's largest sizes cost one step each, not four.
  const ms = one > r.budget_ms * r.repeats ? [one] : Array.from({ length: r.repeats }, () => steps(n));
  tf.dispose([xb, yb]);
  opt.dispose();
  model.dispose();
  return ms;
}

await tf.setBackend('cpu');
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  process.stdout.write(`${GRID_MARK}${JSON.stringify({ ms_per_step: measure(JSON.parse(line) as Request) })}\n`);
}
