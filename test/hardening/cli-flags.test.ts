// Every numeric flag of every command is checked before anything runs; unknown flags and missing files are one line
// on stderr with exit code 1. The full matrix runs in process against the real command modules (their handlers
// stubbed, so an accepted flag shows instead of training); a sample runs the real CLI for the exit code and stderr.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import yargs, { type CommandModule } from 'yargs';
import { commands as libraryCommands } from '../../src/cli/commands.ts';
import { viewerCommand } from '../../web/viewer-command.ts';

// What bin/ingraph.ts registers.
const commands = [...libraryCommands, viewerCommand];
import { parseError } from '../../src/cli/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));

class Accepted extends Error {}

/** What main.ts would do with `args`: "accepted" when the command's handler would run, else the failure's message. */
async function parse(args: string[]): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const stubbed = commands.map((c): CommandModule<any, any> => ({ ...c, handler: () => { throw new Accepted(); } }));
  let cli = yargs(args).scriptName('ingraph').strict().demandCommand(1, 'name a command').recommendCommands().exitProcess(false)
    .fail((msg, err) => { throw parseError(msg, err); });
  for (const c of stubbed) cli = cli.command(c);
  try {
    await cli.parseAsync();
    return 'no handler ran';
  } catch (e) {
    return e instanceof Accepted ? 'accepted' : (e as Error).message;
  }
}

const BAD: [string, string[], RegExp][] = [
  // train
  ['train', ['--window', '0'], /--window must be a whole number ≥ 1, got 0/],
  ['train', ['--window', '-1'], /--window must be a whole number ≥ 1, got -1/],
  ['train', ['--window', '1.5'], /--window must be a whole number ≥ 1, got 1\.5/],
  ['train', ['--window', 'abc'], /--window must be a whole number ≥ 1, got NaN/],
  ['train', ['--window'], /--window needs a value/],
  ['train', ['--window', '2', '--window', '3'], /--window was given 2 times/],
  ['train', ['--hidden', '0'], /--hidden must be a whole number ≥ 1/],
  ['train', ['--hidden', '-4'], /--hidden must be a whole number ≥ 1/],
  ['train', ['--layers', '0'], /--layers must be a whole number ≥ 1/],
  ['train', ['--lr', '0'], /--lr must be a number > 0, got 0/],
  ['train', ['--lr', '-0.1'], /--lr must be a number > 0/],
  ['train', ['--lr', 'abc'], /--lr must be a number > 0, got NaN/],
  ['train', ['--lr', 'Infinity'], /--lr must be a number > 0, got Infinity/],
  ['train', ['--lr', '1e-400'], /--lr must be a number > 0, got 0/],
  ['train', ['--lr'], /--lr needs a value/],
  ['train', ['--batch-size', '0'], /--batch-size must be a whole number ≥ 1/],
  ['train', ['--batch-size', '2.5'], /--batch-size must be a whole number ≥ 1/],
  ['train', ['--epochs', '-1'], /--epochs must be a whole number ≥ 0/],
  ['train', ['--epochs', '0.5'], /--epochs must be a whole number ≥ 0/],
  ['train', ['--steps-per-run', '0'], /--steps-per-run must be a whole number ≥ 1/],
  ['train', ['--eval-every', '0'], /--eval-every must be a whole number ≥ 1/],
  ['train', ['--threads', '0'], /--threads must be a whole number ≥ 1/],
  ['train', ['--seed', '-1'], /--seed must be a whole number ≥ 0/],
  ['train', ['--device', '-1'], /--device must be a whole number ≥ 0/],
  ['train', ['--column', 'a'], /--column needs --data/],
  ['train', ['--optimizer', 'adagrad'], /Invalid values/],
  // build-graph
  ['build-graph', ['--hidden', '0'], /--hidden must be a whole number ≥ 1/],
  ['build-graph', ['--layers', '-1'], /--layers must be a whole number ≥ 1/],
  ['build-graph', ['--window', '0'], /--window must be a whole number ≥ 1/],
  ['build-graph', ['--features', '0'], /--features must be a whole number ≥ 1/],
  ['build-graph', ['--outputs', '0'], /--outputs must be a whole number ≥ 1/],
  ['build-graph', ['--seed', '0.5'], /--seed must be a whole number ≥ 0/],
  // predict
  ['predict', ['--window', '0'], /--window must be a whole number ≥ 1/],
  ['predict', ['--window'], /--window needs a value/],
  ['predict', ['--device', '-2'], /--device must be a whole number ≥ 0/],
  // viewer
  ['viewer', ['--port', '-1'], /--port must be 0\.\.65535/],
  ['viewer', ['--port', '70000'], /--port must be 0\.\.65535/],
  // unknown flags, typos and commands
  ['train', ['--bogus'], /Unknown argument: bogus/],
  ['train', ['--hiden', '5'], /Unknown argument: hiden/],
  ['build-graph', ['--epochs', '3'], /Unknown argument: epochs/],
  ['predict', ['--modle', 'm.onnx'], /Unknown argument: modle/],
  ['doctor', ['--verbose'], /Unknown argument: verbose/],
];

describe('flags, in process against the command modules', () => {
  test(`${BAD.length} bad values and unknown flags are refused before the command runs, each naming the flag`, async () => {
    for (const [command, flags, why] of BAD) {
      const m = await parse([command, ...flags]);
      assert.notEqual(m, 'accepted', `${command} ${flags.join(' ')} was accepted`);
      assert.match(m, why, `${command} ${flags.join(' ')}`);
    }
    assert.match(await parse(['trian']), /Unknown argument: trian|Did you mean train/);
  });

  test('the edges of each range are accepted', async () => {
    const good: string[][] = [
      ['train', '--window', '1', '--hidden', '1', '--layers', '1', '--lr', '1e-9', '--batch-size', '1', '--epochs', '0', '--steps-per-run', '1', '--eval-every', '1', '--seed', '0', '--threads', '1', '--dense', ''],
      ['build-graph', '--hidden', '1', '--window', '1', '--features', '1', '--outputs', '1', '--seed', '0', '--dense', '1,2'],
      ['predict', '--window', '1', '--device', '0'],
    ];
    for (const args of good) assert.equal(await parse(args), 'accepted', args.join(' '));
  });

  test('a number flag with a default given without a value is refused, not silently the default', async () => {
    assert.equal(await parse(['build-graph', '--hidden']), '--hidden needs a value');
  });
});

/** The real CLI. */
function run(args: string[]): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((ok) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '', stdout = '';
    p.stderr.on('data', (c) => (stderr += c));
    p.stdout.on('data', (c) => (stdout += c));
    p.on('close', (status) => ok({ status, stderr, stdout }));
  });
}

async function inParallel<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  }));
  return out;
}

test('the CLI: exit code 1 and one line on stderr for bad flags, unknown flags and missing files, naming the file', async () => {
  const missing = join(dir, 'missing.csv');
  const cases: [string[], RegExp][] = [
    [['train', '--epochs'], /^error: --epochs needs a value$/],
    [['build-graph', '--hidden', '-3', '--out', dir], /^error: --hidden must be a whole number ≥ 1, got -3$/],
    // --dense is a list, checked when the (async) handler starts, before anything is built or trained.
    [['train', '--dense', '4,0', '--out', join(dir, 'never')], /^error: --dense must be a whole number ≥ 1, got 0$/],
    [['train', '--out', dir, '--bogus', '1'], /^error: Unknown argument: bogus/],
    [['train', '--out', join(dir, 'run'), '--data', missing, '--quiet'], /^error: cannot read .*missing\.csv: no such file$/],
    [['predict', '--data', missing], /^error: cannot read .*missing\.csv: no such file$/],
    [['train', '--out', join(dir, 'empty'), '--resume', '--quiet'], /^error: --resume: no checkpoint at .*empty\/checkpoint\.ckpt; run without --resume to start$/],
  ];
  const results = await inParallel(cases, 2, ([args]) => run(args));
  cases.forEach(([args, why], i) => {
    const r = results[i]!;
    assert.equal(r.status, 1, `${args.join(' ')}: exit ${r.status}, ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), why, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  });
});

test('build-graph: an error in its handler is one line too', async () => {
  const cases: [string[], RegExp][] = [
    [['build-graph', '--dense', '4,0', '--out', join(dir, 'never')], /^error: --dense must be a whole number ≥ 1, got 0$/],
    [['build-graph', '--out', '/dev/null/models'], /^error: cannot lock \/dev\/null\/models for writing: a folder on its path is a file$/],
  ];
  const results = await inParallel(cases, 2, ([args]) => run(args));
  cases.forEach(([args, why], i) => {
    assert.equal(results[i]!.status, 1, args.join(' '));
    assert.match(results[i]!.stderr.trim(), why, args.join(' '));
    assert.equal(results[i]!.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${results[i]!.stderr}`);
  });
});
