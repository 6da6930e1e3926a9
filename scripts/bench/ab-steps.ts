// A/B of train steps in one process, interleaved round by round so that load from other work on the machine falls
// on every variant alike: this checkout's train_step.onnx ("head"), another checkout's ("base", --base), and head
// under other ONNX Runtime session options (--ort). Same synthetic batches and start for all; wall and CPU time
// (user + system, all threads) per optimizer step, medians over the rounds. On a shared machine compare the ratios.
//   npx tsx scripts/bench/ab-steps.ts [--base ../before] [--cell lstm|gru] [--hidden 5 --window 10 --batch 256 --k 10]
//     [--ort 'name={"intraOpNumThreads":2}' ...] [--rounds 7] [--budget-ms 300]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { flatLayout } from '../../src/artifacts/train-step.ts';
import { Rng } from '../../src/data/rng.ts';
import { specFor, TrainStepEngine } from '../../src/engine/engine.ts';
import { forecasterModel, type ModelConfig } from '../../src/graph/model.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { markdownTable } from './format.ts';
import { median } from './stats.ts';
import { sineExamples, trainStepBytes } from './step-loop.ts';

const args = await yargs(hideBin(process.argv))
  .scriptName('ab-steps')
  .strict()
  .option('base', { type: 'string', describe: 'another checkout (node_modules installed): its train step is "base"' })
  .option('ort', { type: 'string', array: true, default: [] as string[], describe: 'name=JSON: head under these session options' })
  .option('cell', { type: 'string', choices: ['lstm', 'gru'] as const, default: 'lstm' as const })
  .option('hidden', { type: 'number', default: 5 })
  .option('window', { type: 'number', default: 10 })
  .option('batch', { type: 'number', default: 256 })
  .option('k', { type: 'number', default: 10, describe: 'optimizer steps per run' })
  .option('rounds', { type: 'number', default: 7 })
  .option('budget-ms', { type: 'number', default: 300, describe: 'about how long each variant runs per round' })
  .parseAsync();

const c: ModelConfig = { features: 1, outputs: 1, window: args.window, hidden: args.hidden, layers: 1, dense: [], cell: args.cell };
const adam = makeOptimizer('adam');
const BASE_OPTIONS: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 1, graphOptimizationLevel: 'all' };

/** The base checkout's train step for `c`, built by its own code in a child process. */
function baseBytes(dir: string): Uint8Array {
  const tmp = mkdtempSync(join(tmpdir(), 'ingraph-ab-steps-'));
  const file = join(tmp, 'train_step.onnx');
  const code = `
    const { trainStepBytes } = await import(${JSON.stringify(pathToFileURL(join(dir, 'scripts', 'bench', 'step-loop.ts')).href)});
    (await import('node:fs')).writeFileSync(${JSON.stringify(file)}, trainStepBytes(${JSON.stringify(c)}, 'auto'));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${dir}: ${r.stderr}`);
  const bytes = readFileSync(file);
  rmSync(tmp, { recursive: true, force: true });
  return bytes;
}

interface Variant {
  name: string;
  bytes: Uint8Array;
  options: ort.InferenceSession.SessionOptions;
}

const head = trainStepBytes(c, 'auto');
const variants: Variant[] = [];
if (args.base) variants.push({ name: `base (${resolve(args.base)})`, bytes: baseBytes(resolve(args.base)), options: BASE_OPTIONS });
variants.push({ name: 'head', bytes: head, options: BASE_OPTIONS });
for (const spec of args.ort) {
  const eq = spec.indexOf('=');
  variants.push({ name: `head, ${spec.slice(0, eq)}`, bytes: head, options: { ...BASE_OPTIONS, ...(JSON.parse(spec.slice(eq + 1)) as object) } });
}

const rng = new Rng(1);
const model = forecasterModel(c);
const layout = flatLayout(model);
const params = layout.flatten((e) => Float32Array.from({ length: e.size }, () => rng.uniform(-0.1, 0.1)));
const data = sineExamples({ hidden: c.hidden, window: c.window, batch: args.batch }, args.k, rng);
const spec = specFor(model, adam.stateNames);
const sessions = await Promise.all(variants.map((v) => ort.InferenceSession.create(v.bytes, v.options)));
const engines = sessions.map((s) => new TrainStepEngine(ort, s, spec, { params, rng: new Rng(0).state }));

const time = async (e: TrainStepEngine, runs: number) => {
  const cpu0 = process.cpuUsage(), t0 = performance.now();
  for (let r = 0; r < runs; r++) await e.run(data.ex, data.batches, 1e-4);
  const cpu = process.cpuUsage(cpu0);
  const steps = runs * args.k;
  return { ms: (performance.now() - t0) / steps, cpuMs: (cpu.user + cpu.system) / 1000 / steps };
};
// Warm-up, and the number of runs that fills the budget, from the first variant.
for (const e of engines) await time(e, 2);
const runs = Math.max(1, Math.round(args.budgetMs / (args.k * (await time(engines[0]!, 2)).ms)));
const ms = variants.map(() => [] as number[]), cpu = variants.map(() => [] as number[]);
for (let round = 0; round < args.rounds; round++) {
  const order = variants.map((_, i) => i);
  if (round % 2) order.reverse(); // neither always first
  for (const i of order) {
    const r = await time(engines[i]!, runs);
    ms[i]!.push(r.ms);
    cpu[i]!.push(r.cpuMs);
  }
  process.stderr.write(`round ${round + 1}/${args.rounds}: ${variants.map((v, i) => `${v.name} ${ms[i]!.at(-1)!.toFixed(3)}`).join(', ')} ms/step\n`);
}
await Promise.all(sessions.map((s) => s.release()));
const ref = variants.findIndex((v) => v.name === 'head');
const m = (xs: number[]) => median(xs);
console.log(`${c.cell}, hidden ${c.hidden}, window ${c.window}, batch ${args.batch}, K ${args.k}; ${args.rounds} rounds of ${runs} runs; medians\n`);
console.log(markdownTable(['variant', 'ms per step', 'vs head', 'CPU ms per step', 'CPU vs head'], variants.map((v, i) => [
  v.name, m(ms[i]!).toFixed(4), (m(ms[i]!) / m(ms[ref]!)).toFixed(3), m(cpu[i]!).toFixed(4), (m(cpu[i]!) / m(cpu[ref]!)).toFixed(3),
])));
