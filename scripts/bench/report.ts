// The benchmark's results as Markdown: the tutorial table with ratios, the K sweep, the floors, scaling and levers.
// Pure functions of the measured figures, so they are tested without timing anything.
import type { ChartSeries } from './chart.ts';
import type { RunResult } from './child.ts';
import { GRID_CONTENDERS, type GridContender, type GridRow } from './grid.ts';
import { fmt, fmtSummary, markdownTable, ratio } from './format.ts';
import type { Summary } from './stats.ts';
import { summarizeFields } from './stats.ts';

export const FIELDS = ['train_seconds', 'ms_per_step', 'cpu_ms_per_step', 'steps_per_second', 'test_mse', 'peak_rss_mb', 'process_seconds'] as const;
export type Field = (typeof FIELDS)[number];

export interface ContenderResult {
  id: string;
  label: string;
  runs: RunResult[];
  summary: Record<Field, Summary>;
  /** ingraph only: the steps per run asked of train(). */
  k?: number;
}

export function contender(id: string, label: string, runs: RunResult[], k?: number): ContenderResult {
  return { id, label, runs, summary: summarizeFields(runs, FIELDS), ...(k === undefined ? {} : { k }) };
}

export interface TutorialResults {
  epochs: number;
  stepsPerEpoch: number;
  ingraph: ContenderResult[];
  tfjs: ContenderResult | null;
  /** One TensorFlow.js run through every epoch (--tfjs-full), for its test MSE. */
  tfjsFull: RunResult | null;
  torch: ContenderResult | null;
  /** Why there is no PyTorch row, when there is none. */
  torchMissing: string | null;
  /** ingraph and PyTorch with every core (absent on a one-core machine). */
  allCores: { threads: number; ingraph: ContenderResult; torch: ContenderResult | null } | null;
}

/** The ingraph row with the lowest median ms per step. */
/** Steps a run really takes for K asked: train() splits an epoch when K < steps per epoch, else takes whole epochs. */
export function stepsInEffect(k: number, stepsPerEpoch: number): number {
  return k < stepsPerEpoch ? k : Math.floor(k / stepsPerEpoch) * stepsPerEpoch;
}

export function bestK(rs: readonly ContenderResult[]): ContenderResult {
  if (rs.length === 0) throw new RangeError('no ingraph results');
  return rs.reduce((a, b) => (b.summary.ms_per_step.median < a.summary.ms_per_step.median ? b : a));
}

const mb = (s: Summary) => fmtSummary(s, 3);

function row(c: ContenderResult, label = c.label, mse?: string): string[] {
  const s = c.summary;
  const extrapolated = c.runs.some((r) => r.extrapolated);
  return [
    label, `${fmtSummary(s.train_seconds)}${extrapolated ? ' *' : ''}`, fmtSummary(s.ms_per_step), fmtSummary(s.cpu_ms_per_step), fmtSummary(s.steps_per_second),
    mse ?? fmtSummary(s.test_mse), mb(s.peak_rss_mb),
  ];
}

export const TUTORIAL_HEADER = ['contender', 'training time (s)', 'ms per step', 'CPU ms per step', 'steps/s', 'final test MSE', 'peak RSS (MB)'];

export function tutorialTable(r: TutorialResults): string {
  const k1 = r.ingraph.find((c) => c.k === 1);
  const best = bestK(r.ingraph);
  const rows: string[][] = [];
  if (k1) rows.push(row(k1, 'ingraph CPU, 1 step per run'));
  if (best !== k1) {
    const eff = stepsInEffect(best.k!, r.stepsPerEpoch);
    rows.push(row(best, `ingraph CPU, best K (K=${best.k}${eff !== best.k ? `, ${eff} in effect` : ''})`));
  }
  if (r.tfjs) {
    const mse = r.tfjsFull ? `${fmt(r.tfjsFull.test_mse)} †` : '– (budgeted run)';
    rows.push(row(r.tfjs, r.tfjs.label, mse));
  }
  if (r.torch) rows.push(row(r.torch));
  else rows.push([`PyTorch: ${r.torchMissing ?? 'not available on this machine'}`, '–', '–', '–', '–', '–', '–']);
  if (r.allCores) {
    rows.push(row(r.allCores.ingraph));
    if (r.allCores.torch) rows.push(row(r.allCores.torch));
  }
  return markdownTable(TUTORIAL_HEADER, rows);
}

export function tutorialNotes(r: TutorialResults): string[] {
  const notes = ['Each figure: median of the measured runs (min–max in brackets), after a discarded warm-up round and an in-process warm-up.'];
  if (r.tfjs?.runs.some((x) => x.extrapolated)) {
    notes.push(`* TensorFlow.js is timed for ${r.tfjs.runs[0]!.steps} optimizer steps per run and its training time extrapolated to ` +
      `${r.epochs * r.stepsPerEpoch} steps (the whole workload would take minutes per run).`);
  }
  if (r.tfjsFull) notes.push(`† test MSE from one TensorFlow.js run through all ${r.epochs} epochs (${fmt(r.tfjsFull.train_seconds)} s).`);
  if (r.torch?.runs.some((x) => x.extrapolated)) notes.push(`* PyTorch is timed for ${r.torch.runs[0]!.steps} steps per run and extrapolated.`);
  notes.push('ingraph figures are train()\'s own metrics (train_seconds includes its per-epoch log line, checkpoints and one final ' +
    'evaluation; evalEvery = epochs, so it evaluates once, like the other contenders).');
  return notes;
}

export function ratios(r: TutorialResults): string[] {
  const best = bestK(r.ingraph);
  const k1 = r.ingraph.find((c) => c.k === 1);
  const lines: string[] = [];
  const against = (name: string, c: ContenderResult | null) => {
    if (!c) return lines.push(`ingraph vs ${name}: – (${name} not measured)`);
    const other = c.summary.ms_per_step.median;
    const parts = [`best K (K=${best.k}) ${ratio(other, best.summary.ms_per_step.median)} faster`];
    if (k1 && k1 !== best) parts.push(`K=1 ${ratio(other, k1.summary.ms_per_step.median)} faster`);
    parts.push(`by CPU time per step, best K ${ratio(c.summary.cpu_ms_per_step.median, best.summary.cpu_ms_per_step.median)} faster`);
    return lines.push(`ingraph vs ${name} (ms per step): ${parts.join('; ')}`);
  };
  against('TensorFlow.js', r.tfjs);
  against('PyTorch', r.torch);
  const all = r.allCores;
  if (all?.torch) lines.push(`with ${all.threads} threads each: ingraph ${ratio(all.torch.summary.ms_per_step.median, all.ingraph.summary.ms_per_step.median)} faster than PyTorch`);
  return lines;
}

export function kTable(r: TutorialResults): string {
  return markdownTable(['K asked', 'K in effect', 'runs', 'training time (s)', 'ms per step', 'CPU ms per step', 'steps/s', 'final test MSE', 'peak RSS (MB)'],
    [...r.ingraph].sort((a, b) => a.k! - b.k!).map((c) => {
      const eff = stepsInEffect(c.k!, r.stepsPerEpoch);
      const runs = eff < r.stepsPerEpoch ? r.epochs * Math.ceil(r.stepsPerEpoch / eff) : Math.ceil((r.epochs * r.stepsPerEpoch) / eff);
      const [, ...rest] = row(c);
      return [String(c.k), String(eff), String(runs), ...rest];
    }));
}

export interface FloorCheck {
  floor: string;
  measured: string;
  /** null: could not be checked here. */
  met: boolean | null;
}

/** The floors of the speed issue: ratios measured in one run with the contenders interleaved. */
export const FLOORS = { tfjs: 10, torchBestK: 10, torchK1: 6, rssMb: 150, mseRel: 0.05 } as const;

export function floors(r: TutorialResults): FloorCheck[] {
  const best = bestK(r.ingraph);
  const k1 = r.ingraph.find((c) => c.k === 1) ?? null;
  const out: FloorCheck[] = [];
  const faster = (floor: string, other: ContenderResult | null, ing: ContenderResult | null, x: number, missing: string) => {
    if (!other || !ing) return out.push({ floor, measured: missing, met: null });
    const m = other.summary.ms_per_step.median / ing.summary.ms_per_step.median;
    return out.push({ floor, measured: `${m.toFixed(1)}×`, met: m >= x });
  };
  const noTorch = 'PyTorch not available on this machine';
  faster(`ingraph CPU ≥ ${FLOORS.tfjs}× faster than TensorFlow.js CPU (best K)`, r.tfjs, best, FLOORS.tfjs, 'not measured');
  faster(`ingraph CPU ≥ ${FLOORS.torchBestK}× faster than PyTorch eager, 1 thread (best K)`, r.torch, best, FLOORS.torchBestK, noTorch);
  faster(`ingraph CPU ≥ ${FLOORS.torchK1}× faster than PyTorch eager, 1 thread (K=1)`, r.torch, k1, FLOORS.torchK1, k1 ? noTorch : 'K=1 not measured');
  const rss = Math.max(...r.ingraph.map((c) => c.summary.peak_rss_mb.max));
  out.push({ floor: `ingraph peak resident memory ≤ ${FLOORS.rssMb} MB`, measured: `${fmt(rss)} MB (highest of all ingraph runs)`, met: rss <= FLOORS.rssMb });
  if (r.torch && r.torch.summary.test_mse.n > 0) {
    const a = best.summary.test_mse.median, b = r.torch.summary.test_mse.median;
    const rel = Math.abs(a - b) / b;
    out.push({ floor: 'same final test MSE as PyTorch (same start, same batches)', measured: `${fmt(a)} vs ${fmt(b)} (${(100 * rel).toFixed(1)}% apart)`, met: rel < FLOORS.mseRel });
  } else {
    out.push({ floor: 'same final test MSE as PyTorch (same start, same batches)', measured: r.torch ? 'PyTorch timed for part of the run (--torch-steps)' : noTorch, met: null });
  }
  return out;
}

export function floorTable(fs: readonly FloorCheck[]): string {
  return markdownTable(['floor', 'measured', 'met'], fs.map((f) => [f.floor, f.measured, f.met === null ? 'not checked here' : f.met ? 'yes' : 'NO']));
}

/** The scaling grid: ms per step of each contender, PyTorch and TensorFlow.js against ingraph at the same thread
 *  count (TensorFlow.js's pure-JS backend has one thread only). */
export function gridTable(rows: readonly GridRow[]): string {
  const cores = rows[0]?.cores ?? 1;
  const ms = (s: Summary) => fmtSummary(s);
  const vs = (other: Summary, ing: Summary) => (other.n && ing.n ? ratio(other.median, ing.median) : '–');
  return markdownTable(
    ['hidden', 'window', 'batch', 'ingraph, 1 thread', 'PyTorch, 1 thread', 'PyTorch / ingraph', 'TF.js, 1 thread', 'TF.js / ingraph',
      `ingraph, ${cores} threads`, `PyTorch, ${cores} threads`, 'PyTorch / ingraph', '--threads auto picks'],
    rows.map((r) => [
      String(r.hidden), String(r.window), String(r.batch), ms(r.ms['ingraph-1']), ms(r.ms['torch-1']), vs(r.ms['torch-1'], r.ms['ingraph-1']),
      ms(r.ms['tfjs-1']), vs(r.ms['tfjs-1'], r.ms['ingraph-1']),
      ms(r.ms['ingraph-all']), ms(r.ms['torch-all']), vs(r.ms['torch-all'], r.ms['ingraph-all']), String(r.autoThreads),
    ]));
}

/** The sizes where PyTorch is faster than ingraph at the same thread count. */
export function gridBehind(rows: readonly GridRow[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    for (const [ing, torch, label] of [['ingraph-1', 'torch-1', '1 thread'], ['ingraph-all', 'torch-all', `${r.cores} threads`]] as const) {
      const a = r.ms[ing], b = r.ms[torch];
      if (a.n && b.n && b.median < a.median) out.push(`hidden ${r.hidden}, window ${r.window}, batch ${r.batch}, ${label}: PyTorch ${fmt(b.median)} ms, ingraph ${fmt(a.median)} ms`);
    }
  }
  return out;
}

export const GRID_LABELS: Record<GridContender, (cores: number) => string> = {
  'ingraph-1': () => 'ingraph, 1 thread',
  'torch-1': () => 'PyTorch eager, 1 thread',
  'tfjs-1': () => 'TensorFlow.js, 1 thread',
  'ingraph-all': (n) => `ingraph, ${n} threads`,
  'torch-all': (n) => `PyTorch eager, ${n} threads`,
};

/** The grid's chart: one series per contender that was measured. */
export function gridSeries(rows: readonly GridRow[]): ChartSeries[] {
  const cores = rows[0]?.cores ?? 1;
  return GRID_CONTENDERS.filter((c) => rows.some((r) => r.ms[c].n > 0)).map((c) => ({
    label: GRID_LABELS[c](cores), points: rows.map((r) => [r.work, r.ms[c].n ? r.ms[c].median : NaN] as [number, number]),
  }));
}

export interface LeverRow {
  lever: string;
  ms: Summary;
  cpuMs: Summary;
  testMse: number;
  /** ms per step of the baseline row, for the change column. */
  baselineMs: number;
}

export function leverTable(rows: readonly LeverRow[]): string {
  return markdownTable(['variant', 'ms per step', 'vs baseline', 'CPU ms per step', 'final test MSE'], rows.map((r) => {
    const change = (r.ms.median / r.baselineMs - 1) * 100;
    return [r.lever, fmtSummary(r.ms), `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)}%`, fmtSummary(r.cpuMs), fmt(r.testMse)];
  }));
}
