// A minimal driver of train_step.onnx for what train() does not expose: the session's graph optimisation level,
// the LSTM backward's recurrence form, the LSTM forward's form, and K steps per run that span epochs (train() groups batches within one
// epoch, so the tutorial's 2 batches an epoch cap its K at 2). Feeds are the trainer's: same graph, same inputs.
import * as ort from 'onnxruntime-node';
import { setRecurrenceMode, type RecurrenceMode } from '../../src/autodiff/rules/lstm.ts';
import { evalGraph } from '../../src/artifacts/training.ts';
import { defaultLstmForward, flatLayout, trainStepGraph } from '../../src/artifacts/train-step.ts';
import type { LstmForward, ModelConfig } from '../../src/graph/model.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { createSession, type SessionOptions } from '../../src/train/providers.ts';
import { Rng } from '../../src/data/rng.ts';
import { evaluate } from '../../src/train/evaluate.ts';
import { batchOrder, gather, initialWeights, modelConfig, workloadData, type Workload } from './workload.ts';

export type Optimization = NonNullable<SessionOptions['optimization']>;

export interface SessionChoice {
  recurrence: RecurrenceMode;
  /** The train step's LSTM forward; null = the library's default for the window. */
  lstmForward: LstmForward | null;
  optimization: Optimization;
  threads: number;
}

export const DEFAULT_CHOICE: SessionChoice = { recurrence: 'auto', lstmForward: null, optimization: 'all', threads: 1 };

export function trainStepBytes(c: ModelConfig, recurrence: RecurrenceMode, lstmForward: LstmForward | null = null): Uint8Array {
  const before = setRecurrenceMode(recurrence);
  try {
    return serializeModel(trainStepGraph(c, makeOptimizer('adam'), 'mse', lstmForward ?? defaultLstmForward(c)));
  } finally {
    setRecurrenceMode(before);
  }
}

export async function stepSession(c: ModelConfig, s: SessionChoice): Promise<ort.InferenceSession> {
  return createSession(trainStepBytes(c, s.recurrence, s.lstmForward), { ep: 'cpu', threads: s.threads, optimization: s.optimization });
}

type Feeds = Record<string, ort.Tensor>;

/** Parameters and Adam state carried from run to run, as the trainer carries them. */
class Carry {
  params: ort.Tensor;
  state: ort.Tensor[];
  step = 0;
  constructor(flat: Float32Array) {
    const P = flat.length;
    this.params = new ort.Tensor('float32', flat, [P]);
    this.state = [0, 1].map(() => new ort.Tensor('float32', new Float32Array(P), [P]));
  }

  async run(s: ort.InferenceSession, x: Float32Array, y: Float32Array, offsets: BigInt64Array, window: number, lr: ort.Tensor): Promise<Float32Array> {
    const rows = y.length;
    const feeds: Feeds = {
      params: this.params, exp_avg: this.state[0]!, exp_avg_sq: this.state[1]!, learning_rate: lr,
      step: new ort.Tensor('int64', new BigInt64Array([BigInt(this.step + 1)]), [1]),
      x: new ort.Tensor('float32', x, [rows, window, 1]), target: new ort.Tensor('float32', y, [rows, 1]),
      offsets: new ort.Tensor('int64', offsets, [offsets.length]),
    };
    const out = await s.run(feeds);
    this.params = out['params.out']!;
    this.state = [out['exp_avg.out']!, out['exp_avg_sq.out']!];
    this.step += offsets.length - 1;
    return out.losses!.data as Float32Array;
  }
}

function flatInit(w: Workload): Float32Array {
  const c = modelConfig(w);
  const { entries, total } = flatLayout(c);
  const init = initialWeights(w);
  const flat = new Float32Array(total);
  for (const e of entries) flat.set(init.get(e.name)!, e.offset);
  return flat;
}

export interface TutorialLoopResult {
  seconds: number;
  msPerStep: number;
  /** Process CPU time (all threads) per step. */
  cpuMsPerStep: number;
  steps: number;
  testMse: number;
}

/**
 * The tutorial workload with K optimizer steps per run taken from consecutive batches across epoch boundaries
 * (same batches, same order as train()); evaluates the test split once at the end. Session creation is untimed.
 */
export async function tutorialLoop(w: Workload, K: number, choice: SessionChoice, epochs = w.epochs): Promise<TutorialLoopResult> {
  const c = modelConfig(w);
  const d = workloadData(w);
  const batches = batchOrder(w, d.trainRows, epochs).flat();
  const session = await stepSession(c, choice);
  const lr = new ort.Tensor('float32', new Float32Array([w.lr]), [1]);
  const carry = new Carry(flatInit(w));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let b0 = 0; b0 < batches.length; b0 += K) {
    const group = batches.slice(b0, b0 + K);
    const rows = group.reduce((n, g) => n + g.length, 0);
    const x = new Float32Array(rows * w.window), y = new Float32Array(rows);
    const offsets = new BigInt64Array(group.length + 1);
    let at = 0;
    group.forEach((g, k) => {
      const b = gather(d.trainX, d.trainY, w.window, g);
      x.set(b.x, at * w.window);
      y.set(b.y, at);
      at += g.length;
      offsets[k + 1] = BigInt(at);
    });
    await carry.run(session, x, y, offsets, w.window, lr);
  }
  const mse = await testMse(c, carry.params, d.testX, d.testY, w.window);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await session.release();
  return {
    seconds, msPerStep: (seconds * 1000) / batches.length, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / batches.length,
    steps: batches.length, testMse: mse,
  };
}

/** The test MSE as train() computes it (src/train/evaluate.ts), so the two can be compared exactly. */
async function testMse(c: ModelConfig, params: ort.Tensor, x: Float32Array, y: Float32Array, window: number): Promise<number> {
  const s = await createSession(serializeModel(evalGraph(c)), { ep: 'cpu', threads: 1 });
  const n = y.length;
  const feeds: Feeds = { x: new ort.Tensor('float32', x, [n, window, 1]), target: new ort.Tensor('float32', y, [n, 1]) };
  const mse = await evaluate(s, feeds, params, flatLayout(c), null);
  await s.release();
  return mse;
}

export interface ScalingPoint {
  hidden: number;
  window: number;
  batch: number;
}

export interface ScalingResult {
  /** ms per optimizer step of each timed repeat. */
  msPerStep: number[];
  stepsPerRun: number;
  runsPerRepeat: number;
}

/**
 * ms per optimizer step of train_step.onnx at one size, on synthetic sine windows (the cost does not depend on the
 * values). K steps per run is chosen so a run takes about `budgetMs`/4 (at most 10); each repeat runs for about
 * `budgetMs` after one warm-up run.
 */
export async function scalingPoint(p: ScalingPoint, o: { repeats: number; budgetMs: number; choice?: SessionChoice }): Promise<ScalingResult> {
  const c: ModelConfig = { features: 1, outputs: 1, window: p.window, hidden: p.hidden, layers: 1, dense: [] };
  const session = await stepSession(c, o.choice ?? DEFAULT_CHOICE);
  const rng = new Rng(1);
  const { entries, total } = flatLayout(c);
  const flat = new Float32Array(total);
  for (const e of entries) for (let i = 0; i < e.size; i++) flat[e.offset + i] = rng.uniform(-0.1, 0.1);
  const carry = new Carry(flat);
  const lr = new ort.Tensor('float32', new Float32Array([1e-4]), [1]);
  const feedsFor = (K: number) => {
    const rows = K * p.batch;
    const x = new Float32Array(rows * p.window), y = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const phase = rng.uniform(0, 2 * Math.PI);
      for (let t = 0; t < p.window; t++) x[r * p.window + t] = Math.sin(phase + t * 0.0175);
      y[r] = Math.sin(phase + p.window * 0.0175);
    }
    return { x, y, offsets: BigInt64Array.from({ length: K + 1 }, (_, k) => BigInt(k * p.batch)) };
  };
  const timeRun = async (f: ReturnType<typeof feedsFor>) => {
    const t0 = performance.now();
    await carry.run(session, f.x, f.y, f.offsets, p.window, lr);
    return performance.now() - t0;
  };
  const one = feedsFor(1);
  await timeRun(one); // warm-up
  const stepMs = await timeRun(one);
  const K = Math.max(1, Math.min(10, Math.floor(o.budgetMs / 4 / stepMs)));
  const f = feedsFor(K);
  const runMs = await timeRun(f);
  const runs = Math.max(1, Math.min(50, Math.round(o.budgetMs / runMs)));
  const msPerStep: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    let ms = 0;
    for (let i = 0; i < runs; i++) ms += await timeRun(f);
    msPerStep.push(ms / (runs * K));
  }
  await session.release();
  return { msPerStep, stepsPerRun: K, runsPerRepeat: runs };
}
