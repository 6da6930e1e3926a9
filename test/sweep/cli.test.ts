// `ingraph sweep` and `ingraph worker` as a user runs them: a many-series sweep over a real long-format data set
// (vega-datasets' stocks.csv: symbol, date, price) from one command, and one clear line for each bad input.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-sweep-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// The package's data folder is not in its exports: found from the repository root, where the tests run.
const STOCKS = join('node_modules', 'vega-datasets', 'data', 'stocks.csv');

const cli = (...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

test('one command trains a model per stock symbol and ranks them against the naive forecast', async () => {
  const out = join(dir, 'stocks');
  const r = await cli('sweep', '--data', STOCKS, '--group', 'symbol', '--column', 'price', '--epochs', '3', '--window', '6', '--normalize', '--workers', '2', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^5 jobs over 5 series; 5 to run$/m);
  assert.match(r.stderr, /^jobs 5\/5: 5 done, 0 running, 0 failed/m);
  assert.match(r.stdout, /^done: 5 of 5 jobs finished, 0 failed; 5 trained now/m);
  const board = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { rows: { series: string; best: boolean; naive_mse: number }[] };
  assert.deepEqual(board.rows.map((x) => x.series), ['AAPL', 'AMZN', 'GOOG', 'IBM', 'MSFT']);
  assert.ok(board.rows.every((x) => x.best && x.naive_mse > 0));
  for (const s of ['AAPL', 'MSFT']) assert.match(r.stdout, new RegExp(`^\\| 1 \\| ${s} \\| [\\d.e+]+ \\| [\\d.e+]+ \\| [\\d.e+]+ \\| \\*\\*best\\*\\* \\|`, 'm'));
});

test('bad grid, missing group column, a filter matching nothing, unreachable Redis: one line each, exit 1, nothing written', async () => {
  const out = join(dir, 'never');
  const cases: [string[], RegExp][] = [
    [['sweep', '--data', STOCKS, '--group', 'symbol', '--column', 'price', '--grid', 'hidden=4 depth=2'], /^error: --grid: unknown key "depth"; the keys are /],
    [['sweep', '--data', STOCKS, '--group', 'ticker', '--column', 'price'], /^error: .*stocks\.csv line 1: no group column "ticker" in the header; its columns are "symbol", "date", "price"$/],
    [['sweep', '--data', STOCKS, '--group', 'symbol', '--where', 'symbol=XYZ'], /^error: .*stocks\.csv: no row has column "symbol" = "XYZ"; its \d+ rows hold "MSFT", "AMZN", "IBM", "GOOG", "AAPL"$/],
    [['sweep', '--data', STOCKS, '--group', 'symbol', '--column', 'price', '--queue', 'redis://127.0.0.1:1'], /^error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED$/],
    [['worker', '--queue', 'redis://127.0.0.1:1'], /^error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED$/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(...args, ...(args[0] === 'sweep' ? ['--out', out] : []))));
  results.forEach((r, i) => {
    const [args, msg] = cases[i]!;
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr.trim(), msg, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  });
  assert.ok(!existsSync(out));
});
