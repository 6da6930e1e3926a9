// A/B: the tutorial workload through train() in two checkouts, interleaved run by run so that machine load falls on
// both alike. For "is this change as fast as before": pass the other checkout (with its node_modules installed).
//   npx tsx scripts/bench/ab.ts --base ../ingraph-before [--runs 7] [--preset tutorial] [--epochs N]
// Prints each run's ms/step, the medians, their ratio, and whether the final test MSE is the same.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { markdownTable } from './format.ts';
import { median } from './stats.ts';

const args = await yargs(hideBin(process.argv))
  .scriptName('ab')
  .strict()
  .option('base', { type: 'string', demandOption: true, describe: 'the other checkout (node_modules installed)' })
  .option('runs', { type: 'number', default: 7 })
  .option('preset', { choices: ['tutorial', 'default'] as const, default: 'tutorial' as const })
  .option('epochs', { type: 'number', describe: 'epochs of each timed run (default: the preset\'s)' })
  .parseAsync();

const here = fileURLToPath(new URL('../..', import.meta.url));
const trees = { base: resolve(args.base), head: here };

/** One timed train() in `tree`, after an untimed warm-up run that builds the artifacts. */
function once(tree: string): { msPerStep: number; testMse: number } {
  const out = mkdtempSync(join(tmpdir(), 'ingraph-ab-'));
  const trainer = pathToFileURL(join(tree, 'src', 'train', 'trainer.ts')).href;
  const code = `
    const { train } = await import(${JSON.stringify(trainer)});
    const o = { out: ${JSON.stringify(out)}, preset: ${JSON.stringify(args.preset)} };
    await train({ ...o, epochs: 5 });
    const { metrics } = await train({ ...o${args.epochs ? `, epochs: ${args.epochs}` : ''} });
    console.log(JSON.stringify({ msPerStep: metrics.ms_per_step, testMse: metrics.test_mse }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: tree, encoding: 'utf8' });
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${tree}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { msPerStep: number; testMse: number };
}

const runs: Record<'base' | 'head', { msPerStep: number; testMse: number }[]> = { base: [], head: [] };
for (let i = 0; i < args.runs; i++) {
  // Alternate which goes first, so neither always runs on a warmer machine.
  const order = i % 2 ? (['head', 'base'] as const) : (['base', 'head'] as const);
  for (const k of order) runs[k].push(once(trees[k]));
  console.error(`run ${i + 1}/${args.runs}: base ${runs.base.at(-1)!.msPerStep} ms/step, head ${runs.head.at(-1)!.msPerStep} ms/step`);
}
const med = (k: 'base' | 'head') => median(runs[k].map((r) => r.msPerStep));
console.log(markdownTable(['checkout', 'ms/step, each run', 'median', 'test MSE'], (['base', 'head'] as const).map((k) => [
  `${k} (${trees[k]})`, runs[k].map((r) => r.msPerStep.toFixed(4)).join(' '), med(k).toFixed(4), String(runs[k][0]!.testMse),
])));
console.log(`\nhead / base = ${(med('head') / med('base')).toFixed(3)}; same test MSE: ${runs.base[0]!.testMse === runs.head[0]!.testMse}`);
