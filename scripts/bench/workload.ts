// The tutorial workload as every contender sees it: the same series, windows, split, initial weights and batch
// order, built with the library's own data functions and the shuffle stream the trainer uses.
import { epochBatches } from '../../src/data/batches.ts';
import { Rng } from '../../src/data/rng.ts';
import { tutorialSeries, TUTORIAL_TRAIN_ROWS } from '../../src/data/series.ts';
import { seriesSplit, type Split } from '../../src/data/split.ts';
import { gatherRows, makeWindows, type Windows } from '../../src/data/windows.ts';
import { initParameters, type ModelConfig } from '../../src/graph/model.ts';
import { PRESETS } from '../../src/train/presets.ts';

export interface Workload {
  hidden: number;
  window: number;
  batchSize: number;
  epochs: number;
  lr: number;
  seed: number;
}

const t = PRESETS.tutorial;
export const TUTORIAL: Workload = { hidden: t.hidden, window: t.window, batchSize: t.batchSize, epochs: t.epochs, lr: t.lr, seed: t.seed };
export { TUTORIAL_TRAIN_ROWS };
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface WorkloadData {
  window: number;
  /** All windows and their split, as train() sees them; the arrays below are copies of the two parts. */
  windows: Windows;
  split: Split;
  /** [rows, window] row-major, and [rows]. */
  trainX: Float32Array;
  trainY: Float32Array;
  testX: Float32Array;
  testY: Float32Array;
  trainRows: number;
  testRows: number;
}

export function modelConfig(w: Workload): ModelConfig {
  return { features: 1, outputs: 1, window: w.window, hidden: w.hidden, layers: 1, dense: [] };
}

export function workloadData(w: Workload): WorkloadData {
  const win = makeWindows(tutorialSeries(w.seed), { window: w.window });
  const split = seriesSplit(win.count, true);
  const rows = ([a, b]: [number, number]) => ({ x: win.x.slice(a * w.window, b * w.window), y: win.y.slice(a, b), n: b - a });
  const tr = rows(split.train), te = rows(split.test);
  return { window: w.window, windows: win, split, trainX: tr.x, trainY: tr.y, testX: te.x, testY: te.y, trainRows: tr.n, testRows: te.n };
}

/** Every epoch's batches (row indices into the training rows), exactly as train() draws them. */
export function batchOrder(w: Workload, trainRows: number, epochs = w.epochs): Int32Array[][] {
  const shuffle = Rng.derive(w.seed, 'shuffle');
  return Array.from({ length: epochs }, () => epochBatches(trainRows, w.batchSize, shuffle));
}

/** The trainer's initial parameters (ONNX layout, PyTorch's default init) as plain arrays. */
export function initialWeights(w: Workload): Map<string, Float32Array> {
  return new Map([...initParameters(modelConfig(w), w.seed)].map(([n, t]) => [n, t.data as Float32Array]));
}

/** Training rows (numbered from the split's start) gathered into contiguous x [n, window] and y [n]. */
export function gather(d: WorkloadData, rows: ArrayLike<number>): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(rows.length * d.window), y = new Float32Array(rows.length);
  gatherRows(d.windows, Array.from(rows, (r) => r + d.split.train[0]), x, y);
  return { x, y };
}
