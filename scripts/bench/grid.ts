// The scaling grid: ingraph's train step (train_step.onnx, step-loop.ts), PyTorch eager (torch_grid.py) and
// TensorFlow.js (tfjs-grid.ts, one thread: its pure-JS backend has no other) at every hidden × window × batch, each
// with one intra-op thread and with all cores, contenders interleaved at each size so that load from other work on
// the machine falls on all of them alike.
import os from 'node:os';
import { autoThreads } from '../../src/train/providers.ts';
import { summarize, type Summary } from './stats.ts';
import { DEFAULT_CHOICE, scalingPoint } from './step-loop.ts';
import type { GridChild } from './grid-child.ts';

export const GRID_NAMES = ['full', 'reduced', 'quick'] as const;
export type GridName = (typeof GRID_NAMES)[number];

export const GRIDS: Record<GridName, { hiddens: number[]; windows: number[]; batches: number[] }> = {
  full: { hiddens: [5, 32, 128, 256], windows: [10, 50], batches: [64, 256, 1024] },
  reduced: { hiddens: [5, 32, 128], windows: [10, 50], batches: [64, 256] },
  quick: { hiddens: [5, 128], windows: [10], batches: [64, 256] },
};

export const GRID_CONTENDERS = ['ingraph-1', 'torch-1', 'tfjs-1', 'ingraph-all', 'torch-all'] as const;
export type GridContender = (typeof GRID_CONTENDERS)[number];

export interface GridPoint {
  hidden: number;
  window: number;
  batch: number;
}

export interface GridRow extends GridPoint {
  /** Multiply-adds of a step's LSTM products, forward and backward (the chart's x). */
  work: number;
  /** What --threads auto picks here. */
  autoThreads: number;
  /** ms per optimizer step; a contender not measured has n = 0. */
  ms: Record<GridContender, Summary>;
  /** The threads "all cores" means. */
  cores: number;
}

/** Forward h·Rᵀ and x·Wᵀ, backward the same two again for dW/dR and once for dh: 3 passes over batch × window × 4H × (H + 1). */
export function stepWork(p: GridPoint): number {
  return 3 * p.batch * p.window * 4 * p.hidden * (p.hidden + 1);
}

export function gridPoints(name: GridName): GridPoint[] {
  const g = GRIDS[name];
  return g.hiddens.flatMap((hidden) => g.windows.flatMap((window) => g.batches.map((batch) => ({ hidden, window, batch }))));
}

export async function runGrid(points: readonly GridPoint[], o: { repeats: number; budgetMs: number; torch: GridChild | null; tfjs: GridChild | null; log: (s: string) => void }): Promise<GridRow[]> {
  const cores = os.availableParallelism();
  const none = summarize([]);
  const rows: GridRow[] = [];
  // The children import their frameworks when they start: wait for that (one tiny request each) before timing
  // anything, or the first size's ingraph figure shares the cores with torch's and TF.js's start-up.
  const tiny = { hidden: 2, window: 2, batch: 2, threads: 1, repeats: 1, budgetMs: 1 };
  await Promise.all([o.torch?.measure(tiny), o.tfjs?.measure(tiny)]);
  for (const p of points) {
    const ms: Record<GridContender, Summary> = { 'ingraph-1': none, 'torch-1': none, 'tfjs-1': none, 'ingraph-all': none, 'torch-all': none };
    for (const threads of [1, cores]) {
      const which = threads === 1 ? '1' : 'all';
      const r = await scalingPoint(p, { repeats: o.repeats, budgetMs: o.budgetMs, choice: { ...DEFAULT_CHOICE, threads } });
      ms[`ingraph-${which}`] = summarize(r.msPerStep);
      if (o.torch) ms[`torch-${which}`] = summarize(await o.torch.measure({ ...p, threads, repeats: o.repeats, budgetMs: o.budgetMs }));
      if (o.tfjs && threads === 1) ms['tfjs-1'] = summarize(await o.tfjs.measure({ ...p, threads, repeats: o.repeats, budgetMs: o.budgetMs }));
      if (cores === 1) break;
    }
    const row = { ...p, work: stepWork(p), autoThreads: autoThreads({ batch: p.batch, hidden: p.hidden, features: 1 }, cores), ms, cores };
    rows.push(row);
    o.log(`  hidden ${p.hidden}, window ${p.window}, batch ${p.batch}: ${GRID_CONTENDERS.map((c) => `${c} ${ms[c].n ? ms[c].median.toFixed(3) : '–'}`).join(', ')} ms/step`);
  }
  return rows;
}
