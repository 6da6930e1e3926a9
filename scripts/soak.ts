// Long-run check: trains 100,000 optimizer steps (batch 1, short session runs, a checkpoint every second) and shows
// that resident memory stays flat and step time steady from the start to the end. Prints a table; exits 1 when
// memory grew more than --max-growth-mb or the late steps are more than --max-slowdown times slower. Both limits are
// measurements of this machine at this moment (another process's load slows the late steps too), so they are judged
// here, by whoever runs the script, and never by the test suite.
//   npx tsx scripts/soak.ts              100,000 steps (about a minute on one CPU core)
//   npx tsx scripts/soak.ts --short      5,000 steps
//   npx tsx scripts/soak.ts --no-limits  measure and print only: what test/hardening/soak.test.ts runs, with --short
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { train, type EpochReport } from '../src/train/trainer.ts';

const args = await yargs(hideBin(process.argv))
  .scriptName('soak')
  .strict()
  .option('short', { type: 'boolean', default: false, describe: 'run 5,000 steps instead of 100,000' })
  .option('steps', { type: 'number', describe: 'optimizer steps (default 100,000, or 5,000 with --short)' })
  .option('batch-size', { type: 'number', default: 1 })
  .option('steps-per-run', { type: 'number', default: 16, describe: 'steps per session run: small means many runs' })
  .option('max-growth-mb', { type: 'number', default: 8, describe: 'allowed RSS growth from start to end' })
  .option('max-slowdown', { type: 'number', default: 1.5, describe: 'allowed ratio of late to early ms/step' })
  .option('limits', { type: 'boolean', default: true, describe: 'exit 1 past --max-growth-mb or --max-slowdown (--no-limits: only measure)' })
  .option('json', { type: 'boolean', default: false, describe: 'also print the result as one JSON line' })
  .parseAsync();

// A collection before each measurement, so that RSS shows what is kept, not what the collector has yet to free.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TRAIN_ROWS = 360; // the tutorial series' training split
const steps = args.steps ?? (args.short ? 5_000 : 100_000);
const stepsPerEpoch = Math.ceil(TRAIN_ROWS / args['batch-size']);
const epochs = Math.ceil(steps / stepsPerEpoch);

interface Sample { epoch: number; steps: number; seconds: number; rss: number; heap: number }
const samples: Sample[] = [];
const MB = 2 ** 20;
// Measure from the end of the warm-up (first 10% of epochs: arenas, JIT, first checkpoint) to the end.
const warm = Math.max(1, Math.floor(epochs / 10));
const measure = (e: EpochReport) => {
  if (e.epoch === warm || e.epoch === e.epochs) gc();
  const m = process.memoryUsage();
  samples.push({ epoch: e.epoch, steps: e.steps, seconds: e.seconds, rss: m.rss / MB, heap: m.heapUsed / MB });
};

const out = mkdtempSync(join(tmpdir(), 'ingraph-soak-'));
try {
  await train({
    // Every epoch the same 360 training rows, to the last one: no validation rows carved out, no early stop.
    out, epochs, valFraction: 0, patience: 0, batchSize: args['batch-size'], stepsPerRun: args['steps-per-run'], checkpointSeconds: 1, evalEvery: Math.max(1, Math.floor(epochs / 20)), onEpoch: measure,
  });
} finally {
  rmSync(out, { recursive: true, force: true });
}

/** ms per step over the epochs in [a, b] (1-based), from the cumulative clock of the reports. */
function msPerStep(a: number, b: number): number {
  const first = samples[a - 2] ?? { steps: 0, seconds: 0 };
  const last = samples[b - 1]!;
  return ((last.seconds - first.seconds) * 1000) / (last.steps - first.steps);
}
const span = Math.max(1, Math.floor(epochs / 10));
const start = samples[warm - 1]!, end = samples[samples.length - 1]!;
const early = msPerStep(warm + 1, Math.min(epochs, warm + span)), late = msPerStep(Math.max(warm + 1, epochs - span + 1), epochs);
const growth = end.rss - start.rss;
const slowdown = late / early;
const peak = Math.max(...samples.slice(warm - 1).map((s) => s.rss));

const rows = [
  ['', 'step', 'ms/step', 'RSS MB', 'heap MB'],
  ['start', String(start.steps), early.toFixed(4), start.rss.toFixed(1), start.heap.toFixed(1)],
  ['end', String(end.steps), late.toFixed(4), end.rss.toFixed(1), end.heap.toFixed(1)],
  ['change', String(end.steps - start.steps), `x${slowdown.toFixed(2)}`, `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} (peak ${peak.toFixed(1)})`, `${end.heap - start.heap >= 0 ? '+' : ''}${(end.heap - start.heap).toFixed(1)}`],
];
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
process.stdout.write(`soak: ${end.steps} steps, ${epochs} epochs of ${stepsPerEpoch} steps (batch ${args['batch-size']}, ${args['steps-per-run']} steps per run), ${end.seconds.toFixed(1)} s\n`);
for (const r of rows) process.stdout.write(`${r.map((cell, c) => cell.padStart(widths[c]!)).join('  ')}\n`);

const failures = !args.limits ? [] : [
  growth > args['max-growth-mb'] ? `resident memory grew ${growth.toFixed(1)} MB (limit ${args['max-growth-mb']})` : '',
  slowdown > args['max-slowdown'] ? `late steps are x${slowdown.toFixed(2)} slower than early ones (limit x${args['max-slowdown']})` : '',
].filter(Boolean);
if (args.json) process.stdout.write(`${JSON.stringify({ steps: end.steps, rssStartMb: start.rss, rssEndMb: end.rss, growthMb: growth, earlyMsPerStep: early, lateMsPerStep: late, slowdown, failures })}\n`);
for (const f of failures) process.stderr.write(`soak: ${f}\n`);
process.exitCode = failures.length ? 1 : 0;
