// Peak resident memory of `ingraph predict` and `ingraph train` on a long CSV series (2,000,000 rows by default),
// each command in its own process measured by /usr/bin/time -v (the kernel's maximum RSS). Prints a table; exits 1
// when a command fails or goes over --max-mb.
//   npx tsx scripts/memory.ts                      predict and train, 2M rows, train for 1 epoch
//   npx tsx scripts/memory.ts --only predict       predict only
//   npx tsx scripts/memory.ts --built              the built bin, as installed (npm run build first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { Rng } from '../src/data/rng.ts';

const args = await yargs(hideBin(process.argv))
  .scriptName('memory')
  .strict()
  .option('rows', { type: 'number', default: 2_000_000, describe: 'rows of the generated CSV' })
  .option('window', { type: 'number', default: 10 })
  .option('epochs', { type: 'number', default: 1, describe: 'training epochs' })
  .option('batch-size', { type: 'number', default: 1000, describe: 'training batch size' })
  .option('only', { choices: ['predict', 'train'] as const, describe: 'measure one command' })
  .option('max-mb', { type: 'number', default: 300, describe: 'peak RSS allowed per command' })
  .option('built', { type: 'boolean', default: false, describe: 'run the built bin (dist/bin/ingraph.js, after npm run build), as an installed package does, instead of the sources through tsx (~30 MB more)' })
  .parseAsync();

const dir = mkdtempSync(join(tmpdir(), 'ingraph-memory-'));
try {
  const csv = join(dir, 'series.csv');
  writeSeries(csv, args.rows);
  const cli = args.built ? ['dist/bin/ingraph.js'] : ['--import', 'tsx', 'bin/ingraph.ts'];
  const models = join(dir, 'models');
  const runs: { name: string; argv: string[] }[] = [];
  if (args.only !== 'train') {
    run('build-graph', [...cli, 'build-graph', '--window', String(args.window), '--out', models]);
    runs.push({ name: 'predict', argv: [...cli, 'predict', '--model', join(models, 'model.onnx'), '--data', csv, '--column', 'value', '--out', join(dir, 'preds.csv')] });
  }
  if (args.only !== 'predict') {
    runs.push({
      name: 'train',
      argv: [...cli, 'train', '--data', csv, '--column', 'value', '--window', String(args.window), '--epochs', String(args.epochs), '--batch-size', String(args['batch-size']), '--out', join(dir, 'trained'), '--quiet'],
    });
  }
  console.log(`rows ${args.rows}, window ${args.window}; limit ${args['max-mb']} MB\n`);
  console.log('command   peak RSS (MB)   seconds');
  let over = false;
  for (const r of runs) {
    const m = run(r.name, r.argv);
    over ||= m.mb > args['max-mb'];
    console.log(`${r.name.padEnd(9)} ${m.mb.toFixed(0).padStart(13)}   ${m.seconds.toFixed(1).padStart(7)}`);
  }
  process.exitCode = over ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs `node argv` under /usr/bin/time -v; its peak RSS in MB and wall seconds. Exits on failure. */
function run(name: string, argv: string[]): { mb: number; seconds: number } {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...argv], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) {
    console.error(`${name} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
    process.exit(1);
  }
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const [, h, mi, s] = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr) ?? [];
  return { mb: kb / 1024, seconds: Number(h ?? 0) * 3600 + Number(mi) * 60 + Number(s) };
}

/** A noisy sine with a slow trend, one value per row, seeded; written in blocks. */
function writeSeries(path: string, rows: number): void {
  const rng = new Rng(7);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, 'time,value\n');
    for (let first = 0; first < rows; first += 100_000) {
      let text = '';
      for (let i = first; i < Math.min(rows, first + 100_000); i++) text += `${i},${(Math.sin(i / 20) + i / rows + 0.1 * rng.normal()).toFixed(5)}\n`;
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
}
