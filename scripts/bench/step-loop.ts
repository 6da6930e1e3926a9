// The train step driven through the library's engine for what train() does not expose: the session's graph
// optimisation level, the LSTM backward's recurrence form, the LSTM forward's form, and K steps per run that span
// epochs from the first step (train() sizes its runs from its evaluation interval).
import * as ort from 'onnxruntime-node';
import type { RecurrenceMode } from '../../src/autodiff/registry.ts';
import { evalGraph } from '../../src/artifacts/training.ts';
import { flatLayout, trainStepGraph } from '../../src/artifacts/train-step.ts';
import { Rng } from '../../src/data/rng.ts';
import type { Examples } from '../../src/data/windows.ts';
import { specFor, TrainStepEngine, type EngineSpec } from '../../src/engine/engine.ts';
import { forecasterModel, type LstmForward, type ModelConfig } from '../../src/graph/model.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { mse } from '../../src/train/evaluate.ts';
import { createSession, type SessionOptions } from '../../src/train/providers.ts';
import { initialWeights, modelConfig, workloadData, type Workload } from './workload.ts';

export type Optimization = NonNullable<SessionOptions['optimization']>;

export interface SessionChoice {
  recurrence: RecurrenceMode;
  /** The train step's LSTM forward; null = the library's default for the window. */
  lstmForward: LstmForward | null;
  optimization: Optimization;
  threads: number;
}

export const DEFAULT_CHOICE: SessionChoice = { recurrence: 'auto', lstmForward: null, optimization: 'all', threads: 1 };

const adam = makeOptimizer('adam');

export function trainStepBytes(c: ModelConfig, recurrence: RecurrenceMode, lstmForward: LstmForward | null = null): Uint8Array {
  return serializeModel(trainStepGraph(forecasterModel(c), adam, { recurrence, lstmForward: lstmForward ?? undefined }));
}

function spec(c: ModelConfig): EngineSpec {
  return specFor(forecasterModel(c), adam.stateNames);
}

/** An engine on a fresh train-step session for `c`, starting from `params` with the tutorial's shuffle stream. */
export async function stepEngine(c: ModelConfig, s: SessionChoice, params: Float32Array, seed = 0): Promise<{ engine: TrainStepEngine; release: () => Promise<void> }> {
  const session = await createSession(trainStepBytes(c, s.recurrence, s.lstmForward), { ep: 'cpu', threads: s.threads, optimization: s.optimization });
  const engine = new TrainStepEngine(ort, session, spec(c), { params, rng: Rng.derive(seed, 'shuffle').state });
  return { engine, release: () => session.release() };
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
  const init = initialWeights(w);
  const { engine, release } = await stepEngine(c, choice, flatLayout(forecasterModel(c)).flatten((e) => init.get(e.name)!), w.seed);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await engine.trainEpochs(d.windows, d.split.train, { epochs, batchSize: w.batchSize, lr: w.lr, stepsPerRun: K });
  const evalSession = await createSession(serializeModel(evalGraph(forecasterModel(c))), { ep: 'cpu', threads: 1 });
  const testMse = mse(await engine.predict(evalSession, d.windows, d.split.test), d.windows, d.split.test);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all([release(), evalSession.release()]);
  return {
    seconds, msPerStep: (seconds * 1000) / engine.step, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / engine.step,
    steps: engine.step, testMse,
  };
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

/** K batches of `batch` synthetic sine windows (the cost does not depend on the values). */
function sineExamples(p: ScalingPoint, K: number, rng: Rng): { ex: Examples; batches: Int32Array[] } {
  const rows = K * p.batch;
  const x = new Float32Array(rows * p.window), y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < p.window; t++) x[r * p.window + t] = Math.sin(phase + t * 0.0175);
    y[r] = Math.sin(phase + p.window * 0.0175);
  }
  const batches = Array.from({ length: K }, (_, k) => Int32Array.from({ length: p.batch }, (_, i) => k * p.batch + i));
  return { ex: { x, y, count: rows, window: p.window, features: 1, outputs: 1 }, batches };
}

/**
 * ms per optimizer step of train_step.onnx at one size. K steps per run is chosen so a run takes about
 * `budgetMs`/4 (at most 10); each repeat runs for about `budgetMs` after one warm-up run.
 */
export async function scalingPoint(p: ScalingPoint, o: { repeats: number; budgetMs: number; choice?: SessionChoice }): Promise<ScalingResult> {
  const c: ModelConfig = { features: 1, outputs: 1, window: p.window, hidden: p.hidden, layers: 1, dense: [] };
  const rng = new Rng(1);
  const layout = flatLayout(forecasterModel(c));
  const { engine, release } = await stepEngine(c, o.choice ?? DEFAULT_CHOICE, layout.flatten((e) => Float32Array.from({ length: e.size }, () => rng.uniform(-0.1, 0.1))));
  const timeRun = async (f: ReturnType<typeof sineExamples>) => {
    const t0 = performance.now();
    await engine.run(f.ex, f.batches, 1e-4);
    return performance.now() - t0;
  };
  const one = sineExamples(p, 1, rng);
  await timeRun(one); // warm-up
  const stepMs = await timeRun(one);
  const K = Math.max(1, Math.min(10, Math.floor(o.budgetMs / 4 / stepMs)));
  const f = sineExamples(p, K, rng);
  const runMs = await timeRun(f);
  const runs = Math.max(1, Math.min(50, Math.round(o.budgetMs / runMs)));
  const msPerStep: number[] = [];
  for (let r = 0; r < o.repeats; r++) {
    let ms = 0;
    for (let i = 0; i < runs; i++) ms += await timeRun(f);
    msPerStep.push(ms / (runs * K));
  }
  await release();
  return { msPerStep, stepsPerRun: K, runsPerRepeat: runs };
}
