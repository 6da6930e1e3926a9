// `npm run bench` flags, parsed by yargs into one typed options object; --quick changes the defaults, never a
// value given explicitly.
import yargs from 'yargs';
import { GRID_NAMES, type GridName } from './grid.ts';

export interface BenchOptions {
  out: string;
  quick: boolean;
  /** Measured runs per figure, after a discarded warm-up round. */
  repeats: number;
  /** ingraph steps per run to try. */
  ks: number[];
  /** Epochs of the tutorial workload (1500; --quick 100). */
  epochs: number;
  /** TensorFlow.js optimizer steps timed per run; the total time is extrapolated from them. */
  tfjsSteps: number;
  /** Also train TensorFlow.js through every epoch once, for its test MSE. */
  tfjsFull: boolean;
  /** PyTorch optimizer steps timed per run; null = every epoch. */
  torchSteps: number | null;
  python: string;
  scaling: boolean;
  /** The scaling grid's sizes (full: hidden 5-256 × window 10, 50 × batch 64-1024; --quick: quick). */
  grid: GridName;
  levers: boolean;
}

const FULL = { repeats: 3, epochs: 1500, tfjsSteps: 150, ks: [1, 2, 10, 30, 100] };
const QUICK = { repeats: 1, epochs: 100, tfjsSteps: 20, ks: [1, 2] };

export class BenchArgsError extends Error {
  override name = 'BenchArgsError';
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const a = yargs([...argv])
    .scriptName('npm run bench --')
    .strict()
    .version(false)
    .option('out', { type: 'string', default: 'bench-results', describe: 'folder for bench.json and bench.md' })
    .option('quick', { type: 'boolean', default: false, describe: 'smoke test: 100 epochs, 1 repeat, K 1 and 2, a small scaling table' })
    .option('repeats', { type: 'number', describe: `measured runs per figure (default ${FULL.repeats}; --quick ${QUICK.repeats})` })
    .option('ks', { type: 'string', describe: `ingraph steps per run to try, comma-separated (default ${FULL.ks.join(',')})` })
    .option('epochs', { type: 'number', describe: `tutorial epochs (default ${FULL.epochs}; --quick ${QUICK.epochs})` })
    .option('tfjs-steps', { type: 'number', describe: `TensorFlow.js steps timed per run, total extrapolated (default ${FULL.tfjsSteps})` })
    .option('tfjs-full', { type: 'boolean', default: false, describe: 'also train TensorFlow.js through every epoch once (minutes), for its test MSE' })
    .option('torch-steps', { type: 'number', describe: 'PyTorch steps timed per run (default: every epoch)' })
    .option('python', { type: 'string', default: 'python3', describe: 'the Python that may have torch' })
    .option('scaling', { type: 'boolean', default: true, describe: 'the hidden × window × batch table (--no-scaling skips it)' })
    .option('grid', { choices: GRID_NAMES, describe: 'the scaling grid: full (hidden 5-256 × window 10, 50 × batch 64-1024), reduced, quick (default full; --quick quick)' })
    .option('levers', { type: 'boolean', default: false, describe: 'also measure the levers: K across epochs, optimisation level, threads, recurrence' })
    .fail((msg, err) => {
      throw err ?? new BenchArgsError(msg);
    })
    .parseSync();
  const d = a.quick ? QUICK : FULL;
  const ks = a.ks === undefined ? d.ks : a.ks.split(',').map((s) => Number(s.trim()));
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new BenchArgsError(`--${name} must be a positive integer, got ${v}`);
    return v;
  };
  ks.forEach((k) => positive('ks', k));
  return {
    out: a.out,
    quick: a.quick,
    repeats: positive('repeats', a.repeats ?? d.repeats),
    ks: [...new Set(ks)].sort((x, y) => x - y),
    epochs: positive('epochs', a.epochs ?? d.epochs),
    tfjsSteps: positive('tfjs-steps', a['tfjs-steps'] ?? d.tfjsSteps),
    tfjsFull: a['tfjs-full'],
    torchSteps: a['torch-steps'] === undefined ? (a.quick ? 200 : null) : positive('torch-steps', a['torch-steps']),
    python: a.python,
    scaling: a.scaling,
    grid: a.grid ?? (a.quick ? 'quick' : 'full'),
    levers: a.levers,
  };
}
