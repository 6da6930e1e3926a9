// The CSV flags end to end through bin/ingraph.ts: a TSV long-format file with gaps trains and predicts on one
// series, a date column is never taken for the values, and each bad input is one line naming what is wrong.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-csv-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });
const WINDOW = 4;

/** Two symbols' monthly prices, interleaved by date as exports are; MSFT has an NA and an empty cell. */
function longTsv(): { path: string; msft: number } {
  const rows = ['date\tsymbol\tprice\tvolume'];
  const months = 40;
  for (let i = 0; i < months; i++) {
    const date = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
    rows.push(`${date}\tAAPL\t${(10 + Math.sin(i / 3)).toFixed(3)}\t${100 + i}`);
    rows.push(`${date}\tMSFT\t${i === 7 ? 'NA' : i === 9 ? '' : (20 + Math.cos(i / 4)).toFixed(3)}\t${200 + i}`);
  }
  const path = join(dir, 'prices.tsv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return { path, msft: months };
}

test('train and predict on one series of a long-format TSV: --where, --fill, the date column left alone', () => {
  const { path, msft } = longTsv();
  const out = join(dir, 'model');
  const t = cli('train', '--data', path, '--where', 'symbol=MSFT', '--fill', 'ffill', '--epochs', '1', '--window', String(WINDOW), '--out', out, '--quiet');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stderr, /^warning: .*prices\.tsv: filled 2 missing cells in column "price" \(ffill\)$/m);
  const p = cli('predict', '--model', join(out, 'model.onnx'), '--data', path, '--where', 'symbol=MSFT', '--fill', 'interpolate');
  assert.equal(p.status, 0, p.stderr);
  // One row per window of MSFT's 40 months: the filter kept its rows alone.
  assert.equal(p.stdout.trim().split('\n').length - 1, msft - WINDOW + 1);
  // --column picks another numeric column; the date column as values is refused by its first cell.
  const v = cli('predict', '--model', join(out, 'model.onnx'), '--data', path, '--where', 'symbol=AAPL', '--column', 'volume');
  assert.equal(v.status, 0, v.stderr);
  assert.deepEqual(v.stdout.trim().split('\n')[1]!.split(',').slice(0, 2), ['0', String(WINDOW)]);
});

test('a semicolon file with the date column first, read with --delimiter, and a --date-column none file', () => {
  const path = join(dir, 'eu.csv');
  writeFileSync(path, `Date;Close\n${Array.from({ length: 12 }, (_, i) => `2024-01-${String(12 - i).padStart(2, '0')};${i + 1}`).join('\n')}\n`);
  // The dates run newest first: read oldest first, and said so.
  const r = cli('predict', '--model', join(dir, 'model', 'model.onnx'), '--data', path, '--delimiter', ';');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: .*eu\.csv: the dates run newest first; the rows are read oldest first/);
  assert.equal(r.stdout.trim().split('\n').length - 1, 12 - WINDOW + 1);
});

test('bad CSV input is one line each: long format without a filter, no match, unknown column, bad flags', () => {
  const { path } = longTsv();
  const fails = (args: string[], message: RegExp) => {
    const r = cli('train', '--data', path, '--out', join(dir, 'never'), ...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: [^\n]*\n$/, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  };
  fails([], /prices\.tsv line 3: date 2000-01-01 comes again \(line 2 has it\): .*--where symbol=VALUE/);
  fails(['--where', 'symbol=GOOG'], /prices\.tsv: no row has column "symbol" = "GOOG"; its 80 rows hold "AAPL", "MSFT"/);
  fails(['--where', 'ticker=MSFT'], /prices\.tsv line 1: no filter column "ticker" in the header; its columns are "date", "symbol", "price", "volume"/);
  fails(['--where', 'symbol=MSFT', '--column', 'close'], /no column "close" in the header/);
  fails(['--where', 'symbol=MSFT'], /prices\.tsv line 17: cell "NA" in column "price" is not a number; --fill ffill, interpolate or drop reads missing values/);
  fails(['--where', 'symbol'], /--where must be COLUMN=VALUE, e\.g\. symbol=MSFT; got "symbol"/);
  fails(['--delimiter', ',,'], /--delimiter must be one character/);
  fails(['--fill', 'zero'], /Invalid values: Argument: fill, Given: "zero", Choices: "error", "ffill", "interpolate", "drop" \(see --help\)/);
  fails(['--where', 'symbol=MSFT', '--delimiter', ','], /no filter column "symbol"/);
  const r = cli('train', '--fill', 'ffill');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'error: --fill needs --data\n');
});
