import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readCsvColumnFile, readCsvTable } from '../../src/node/csv-file.ts';
import { DataError } from '../../src/data/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-csv-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('readCsvColumnFile reads a column by name, with BOM and non-ASCII names', async () => {
  const path = join(dir, 'small.csv');
  writeFileSync(path, '\uFEFFfecha,precio €\r\n2024-01-01,1.5\r\n2024-01-02,"25"\r\n');
  assert.deepEqual(Array.from(await readCsvColumnFile(path, { column: 'precio €' })), [1.5, 25]);
});

test('readCsvTable: a .tsv file is read with tabs, even when its first line has commas; the option wins', async () => {
  const path = join(dir, 'prices.tsv');
  writeFileSync(path, 'date\tname, long\tclose\n2024-01-01\ta, b\t1.5\n2024-01-02\tc, d\t2.5\n');
  const t = await readCsvTable(path);
  assert.deepEqual([t.columns, Array.from(t.values[0]!), t.frequency], [['close'], [1.5, 2.5], 'daily']);
  await assert.rejects(readCsvTable(path, { delimiter: ',', columns: ['close'] }), /prices\.tsv line 1: no column "close"/);
});

test('readCsvColumnFile: a multi-byte delimiter split across two reads stays whole', async () => {
  // 7-byte header, 6-byte rows: the 64 KiB reads end inside a 3-byte '€', which would otherwise break the row.
  const path = join(dir, 'euro.csv');
  const rows = Array.from({ length: 40_000 }, (_, i) => `${i % 10}€${(i + 1) % 10}\n`);
  writeFileSync(path, `xx€y\n${rows.join('')}`);
  const out = await readCsvColumnFile(path, { column: 'y', delimiter: '€' });
  assert.equal(out.length, 40_000);
  out.forEach((v, i) => assert.equal(v, (i + 1) % 10));
});

test('readCsvColumnFile: errors in the data name the file and line', async () => {
  const path = join(dir, 'bad.csv');
  writeFileSync(path, 'price\n1\n\nabc\n');
  await assert.rejects(readCsvColumnFile(path), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.message, `${path} line 4: cell "abc" in column "price" is not a number`);
    assert.equal(e.line, 4);
    return true;
  });
  await assert.rejects(readCsvColumnFile(path, { source: 'data.csv' }), /^DataError: data\.csv line 4: /);
});

test('readCsvColumnFile: a missing file or a directory is a DataError naming it', async () => {
  const missing = join(dir, 'data.csv');
  await assert.rejects(readCsvColumnFile(missing), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.message, `cannot read ${missing}: no such file`);
    assert.equal(e.source, missing);
    return true;
  });
  await assert.rejects(readCsvColumnFile(missing, { source: 'data.csv' }), { message: 'cannot read data.csv: no such file' });
  await assert.rejects(readCsvColumnFile(dir), { name: 'DataError', message: `cannot read ${dir}: it is a folder` });
});

test('readCsvColumnFile streams 1,000,000 rows with bounded memory', async (t) => {
  const rows = 1_000_000;
  const value = (i: number) => (i % 2000) / 16 - 62.5; // exact in binary, so the text round-trips exactly
  const path = join(dir, 'big.csv');
  const fd = openSync(path, 'w');
  writeSync(fd, 'row,label,value\r\n');
  for (let start = 0; start < rows; start += 50_000) {
    const lines: string[] = [];
    for (let i = start; i < start + 50_000; i++) lines.push(`${i},"día ${i}, ok",${value(i)}\r\n`);
    writeSync(fd, lines.join(''));
  }
  closeSync(fd);

  // gc() before measuring, so the baseline holds no garbage from writing the file.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const base = process.memoryUsage();
  let heapPeak = 0;
  let buffersPeak = 0;
  const sample = () => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed - base.heapUsed);
    buffersPeak = Math.max(buffersPeak, m.arrayBuffers - base.arrayBuffers);
  };
  // The stream yields to the event loop between reads, so the timer samples while the file is read.
  const timer = setInterval(sample, 1);
  const out = await readCsvColumnFile(path, { column: 'value' });
  clearInterval(timer);
  sample();

  assert.equal(out.length, rows);
  for (let i = 0; i < rows; i++) if (out[i] !== value(i)) assert.fail(`row ${i}: ${out[i]} != ${value(i)}`);
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  t.diagnostic(`heap growth ${mb(heapPeak)} MB, array buffers ${mb(buffersPeak)} MB`);
  // Measured about 14 MB of heap (young-generation garbage from the chunks); reading the 35 MB text whole and
  // splitting it takes about 70 MB. The values are 8 MB of array buffer, at most tripled while the array doubles.
  assert.ok(heapPeak < 32 * 2 ** 20, `heap grew ${mb(heapPeak)} MB`);
  assert.ok(buffersPeak < 32 * 2 ** 20, `array buffers grew ${mb(buffersPeak)} MB`);
});
