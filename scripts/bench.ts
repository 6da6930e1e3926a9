// `npm run bench`: the tutorial workload trained by ingraph (several steps per run), TensorFlow.js and PyTorch (1 thread
// and all cores), each in its own child process, then the scaling grid with PyTorch beside ingraph and (--levers) the
// levers; tables printed and written as bench.json and bench.md under --out, the grid's chart as bench-grid.svg. See
// docs/bench.md for what each figure means and the latest results.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hideBin } from 'yargs/helpers';
import { parseBenchArgs, type BenchOptions } from './bench/args.ts';
import { scalingChart } from './bench/chart.ts';
import { gridPoints, runGrid, type GridRow } from './bench/grid.ts';
import { builtChild, runChild, type RunResult } from './bench/child.ts';
import { describeMachine, machine, type Machine } from './bench/machine.ts';
import {
  contender, floors, floorTable, gridBehind, gridSeries, gridTable, kTable, leverTable, ratios, tutorialNotes, tutorialTable,
  type ContenderResult, type LeverRow, type TutorialResults,
} from './bench/report.ts';
import { summarize } from './bench/stats.ts';
import { DEFAULT_CHOICE, tutorialLoop, type SessionChoice } from './bench/step-loop.ts';
import { GridChild } from './bench/grid-child.ts';
import { TORCH_SCRIPT, torchVersion, writeTorchJob } from './bench/torch.ts';
import { TUTORIAL, TUTORIAL_TRAIN_ROWS, type Workload } from './bench/workload.ts';
import { train } from '../src/train/trainer.ts';

const INGRAPH_CHILD = join(import.meta.dirname, 'bench', 'ingraph-run.ts');
const TFJS_CHILD = join(import.meta.dirname, 'bench', 'tfjs-run.ts');
const MINUTE = 60_000;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Entry {
  id: string;
  label: string;
  k?: number;
  run: () => Promise<RunResult>;
}

/** Round 0 is a warm-up and is discarded; rounds 1..repeats run every contender in turn, so that load from other
 *  work on the machine falls on all of them alike rather than on whichever ran at the time. */
async function rounds(entries: readonly Entry[], repeats: number): Promise<Map<string, RunResult[]>> {
  const runs = new Map(entries.map((e) => [e.id, [] as RunResult[]]));
  for (let round = 0; round <= repeats; round++) {
    for (const e of entries) {
      const r = await e.run();
      log(`  ${round === 0 ? 'warm-up' : `run ${round}/${repeats}`}  ${e.label}: ${r.ms_per_step.toFixed(3)} ms/step, ` +
        `${r.train_seconds.toFixed(2)} s${r.extrapolated ? ' (extrapolated)' : ''}, test MSE ${r.test_mse.toFixed(5)}, peak RSS ${r.peak_rss_mb.toFixed(0)} MB`);
      if (round > 0) runs.get(e.id)!.push(r);
    }
  }
  return runs;
}

async function tutorial(o: BenchOptions, work: Workload, torch: string | null, scratch: string): Promise<TutorialResults> {
  const stepsPerEpoch = Math.ceil(TUTORIAL_TRAIN_ROWS / work.batchSize);
  const warmupEpochs = Math.min(20, work.epochs);
  const entries: Entry[] = o.ks.map((k) => ({
    id: `ingraph-k${k}`, label: `ingraph CPU, K=${k}`, k,
    run: () => builtChild(INGRAPH_CHILD, { out: join(scratch, `ingraph-k${k}`), epochs: work.epochs, stepsPerRun: k, evalEvery: work.epochs, threads: 1, warmupEpochs }, 5 * MINUTE),
  }));
  const tfjsSteps = Math.min(o.tfjsSteps, work.epochs * stepsPerEpoch);
  entries.push({ id: 'tfjs', label: 'TensorFlow.js CPU (pure JS)', run: () => builtChild(TFJS_CHILD, { workload: work, steps: tfjsSteps, warmupSteps: 10 }, 10 * MINUTE) });
  const cores = availableParallelism();
  const topK = Math.max(...o.ks);
  if (cores > 1) {
    entries.push({
      id: 'ingraph-all', label: `ingraph CPU, K=${topK}, ${cores} threads`,
      run: () => builtChild(INGRAPH_CHILD, { out: join(scratch, 'ingraph-all'), epochs: work.epochs, stepsPerRun: topK, evalEvery: work.epochs, threads: cores, warmupEpochs }, 5 * MINUTE),
    });
  }
  if (torch) {
    for (const threads of cores > 1 ? [1, cores] : [1]) {
      const job = join(scratch, `torch-job-${threads}.json`);
      writeTorchJob(job, work, { steps: o.torchSteps, warmupSteps: 20, threads });
      entries.push({ id: threads === 1 ? 'torch' : 'torch-all', label: `PyTorch ${torch} eager CPU, ${threads} thread${threads > 1 ? 's' : ''}`, run: () => runChild(o.python, [TORCH_SCRIPT, job], 10 * MINUTE) });
    }
  }
  log(`tutorial workload: hidden ${work.hidden}, window ${work.window}, batch ${work.batchSize}, ${work.epochs} epochs (${work.epochs * stepsPerEpoch} steps), ` +
    `${o.repeats} measured round(s) after a warm-up round${torch ? '' : '; PyTorch: not available on this machine'}`);
  const runs = await rounds(entries, o.repeats);
  let tfjsFull: RunResult | null = null;
  if (o.tfjsFull) {
    log('  TensorFlow.js through every epoch (--tfjs-full), once: minutes');
    tfjsFull = await builtChild(TFJS_CHILD, { workload: work, steps: null, warmupSteps: 10 }, 30 * MINUTE);
    log(`  TensorFlow.js full run: ${tfjsFull.train_seconds.toFixed(1)} s, test MSE ${tfjsFull.test_mse.toFixed(5)}`);
  }
  const result = (id: string): ContenderResult | null => {
    const e = entries.find((x) => x.id === id);
    return e ? contender(e.id, e.label, runs.get(id)!, e.k) : null;
  };
  return {
    epochs: work.epochs, stepsPerEpoch,
    ingraph: o.ks.map((k) => result(`ingraph-k${k}`)!),
    tfjs: result('tfjs'), tfjsFull, torch: result('torch'),
    torchMissing: torch ? null : 'not available on this machine',
    allCores: cores > 1 ? { threads: cores, ingraph: result('ingraph-all')!, torch: result('torch-all') } : null,
  };
}

/** The grid: PyTorch (when this machine has torch) and TensorFlow.js beside ingraph at every size. */
async function scaling(o: BenchOptions, torch: string | null): Promise<GridRow[]> {
  const points = gridPoints(o.grid);
  log(`scaling grid '${o.grid}': ${points.length} sizes, ${o.repeats} repeat(s) each, 1 thread and ${availableParallelism()} threads, TensorFlow.js${torch ? ' and PyTorch' : ''} beside ingraph${torch ? '' : '; PyTorch: not available on this machine'}`);
  const torchGrid = torch ? GridChild.torch(o.python) : null;
  const tfjsGrid = GridChild.tfjs();
  try {
    return await runGrid(points, { repeats: o.repeats, budgetMs: o.quick ? 100 : 300, torch: torchGrid, tfjs: tfjsGrid, log });
  } finally {
    torchGrid?.close();
    tfjsGrid.close();
  }
}

interface LeverVariant {
  lever: string;
  run: () => Promise<{ msPerStep: number; cpuMsPerStep: number; testMse: number }>;
}

/** Lever figures vary more than the tutorial's (they sit close together), so at least 5 rounds. */
const LEVER_REPEATS = 5;

/**
 * The levers on the tutorial workload: what train() does not expose through the bare loop (step-loop.ts), and
 * train()'s own evalEvery, in this process. Rounds run every variant in turn, as the tutorial's do.
 */
async function levers(o: BenchOptions, work: Workload, scratch: string): Promise<LeverRow[]> {
  const all = work.epochs * Math.ceil(TUTORIAL_TRAIN_ROWS / work.batchSize);
  const base = DEFAULT_CHOICE;
  const loop = (K: number, choice: SessionChoice) => () => tutorialLoop(work, K, choice);
  const trainer = (evalEvery: number | undefined) => async () => {
    const cpu0 = process.cpuUsage();
    const { metrics: m } = await train({ out: join(scratch, 'levers'), preset: 'tutorial', epochs: work.epochs, evalEvery });
    const cpu = process.cpuUsage(cpu0);
    return { msPerStep: m.ms_per_step, cpuMsPerStep: (cpu.user + cpu.system) / 1000 / m.steps, testMse: m.test_mse };
  };
  const variants: LeverVariant[] = [
    { lever: 'baseline: bare loop, K=2 (as train() runs), unrolled forward and backward, optimisation all, 1 thread', run: loop(2, base) },
    { lever: 'K=1', run: loop(1, base) },
    ...[10, 100, all].map((K) => ({ lever: `K=${K} across epochs${K === all ? ' (the whole run in one session.run)' : ''}`, run: loop(K, base) })),
    ...(['disabled', 'basic', 'extended'] as const).map((optimization) => ({ lever: `graph optimisation '${optimization}'`, run: loop(2, { ...base, optimization }) })),
    { lever: '2 intra-op threads', run: loop(2, { ...base, threads: 2 }) },
    { lever: 'Scan backward (recurrence \'scan\')', run: loop(2, { ...base, recurrence: 'scan' as const }) },
    { lever: 'LSTM op forward (instead of the unrolled composite)', run: loop(2, { ...base, lstmForward: 'op' as const }) },
    { lever: 'train() itself, evalEvery = epochs (one evaluation)', run: trainer(work.epochs) },
    { lever: `train() itself, evalEvery default (every ${Math.max(1, Math.floor(work.epochs / 100))} epochs)`, run: trainer(undefined) },
  ];
  const repeats = Math.max(o.repeats, o.quick ? 1 : LEVER_REPEATS);
  log(`levers: ${variants.length} variants, ${repeats} measured round(s) after a warm-up round`);
  const ms = variants.map(() => [] as number[]), cpu = variants.map(() => [] as number[]);
  const mse = variants.map(() => NaN);
  for (let round = 0; round <= repeats; round++) {
    for (const [i, v] of variants.entries()) {
      const r = await v.run();
      log(`  ${round === 0 ? 'warm-up' : `run ${round}/${repeats}`}  ${v.lever}: ${r.msPerStep.toFixed(3)} ms/step (CPU ${r.cpuMsPerStep.toFixed(3)}), test MSE ${r.testMse.toFixed(5)}`);
      if (round > 0) {
        ms[i]!.push(r.msPerStep);
        cpu[i]!.push(r.cpuMsPerStep);
      }
      mse[i] = r.testMse;
    }
  }
  const baselineMs = summarize(ms[0]!).median;
  return variants.map((v, i) => ({ lever: v.lever, ms: summarize(ms[i]!), cpuMs: summarize(cpu[i]!), testMse: mse[i]!, baselineMs }));
}

const GRID_CHART = 'bench-grid.svg';

function markdown(m: Machine, t: TutorialResults, sc: GridRow[] | null, lv: LeverRow[] | null): string {
  const parts = [
    '# ingraph benchmark', '', `Measured on: ${describeMachine(m)}.`, '',
    `## Tutorial workload (hidden 5, window 10, batch 256, ${t.epochs} epochs = ${t.epochs * t.stepsPerEpoch} steps, Adam 1e-4)`, '',
    tutorialTable(t), '', ...tutorialNotes(t).map((n) => `- ${n}`), '', ...ratios(t).map((n) => `- ${n}`), '',
    '## Floors', '', floorTable(floors(t)), '',
    `## ingraph steps per run (K); a run takes whole epochs once K reaches the ${t.stepsPerEpoch} batches of an epoch`, '', kTable(t), '',
  ];
  if (sc) {
    const behind = gridBehind(sc);
    parts.push('## Scaling grid: ms per optimizer step, ingraph (train_step.onnx, K steps per run), PyTorch eager and TensorFlow.js, same thread count', '', gridTable(sc), '',
      `Chart: ${GRID_CHART} (ms per step against the multiply-adds of a step, log-log).`, '',
      behind.length ? `PyTorch ahead at the same thread count:\n${behind.map((b) => `- ${b}`).join('\n')}` : 'ingraph ahead of PyTorch at every measured size with the same thread count.', '');
  }
  if (lv) {
    parts.push(`## Levers on the tutorial workload (same batches; medians of ${lv[0]!.ms.n} rounds)`, '', leverTable(lv), '');
  }
  return parts.join('\n');
}

const opts = parseBenchArgs(hideBin(process.argv));
const torch = torchVersion(opts.python);
const m = machine(torch);
log(`machine: ${describeMachine(m)}`);
const work: Workload = { ...TUTORIAL, epochs: opts.epochs };
const scratch = mkdtempSync(join(tmpdir(), 'ingraph-bench-'));
try {
  const t = await tutorial(opts, work, torch, scratch);
  const sc = opts.scaling ? await scaling(opts, torch) : null;
  const lv = opts.levers ? await levers(opts, work, scratch) : null;
  const md = markdown(m, t, sc, lv);
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, 'bench.md'), md);
  if (sc) writeFileSync(join(opts.out, GRID_CHART), scalingChart(gridSeries(sc), `ms per optimizer step, ${describeMachine(m).split(';')[0]}`));
  writeFileSync(join(opts.out, 'bench.json'), `${JSON.stringify({ machine: m, options: opts, tutorial: t, floors: floors(t), scaling: sc, levers: lv }, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  process.stdout.write(`${md}\nWritten: ${join(opts.out, 'bench.md')}, ${join(opts.out, 'bench.json')}${sc ? `, ${join(opts.out, GRID_CHART)}` : ''}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
