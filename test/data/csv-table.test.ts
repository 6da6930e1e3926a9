import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CsvTableReader, parseCsvTable, type CsvTableOptions } from '../../src/data/csv-table.ts';
import { parseCsvColumn } from '../../src/data/csv.ts';
import { DataError } from '../../src/data/errors.ts';

const values = (text: string, opts: CsvTableOptions = {}) => parseCsvTable(text, opts).values.map((v) => Array.from(v));

/** The DataError's message for this text, asserting it is one line that names data.csv. */
function failure(text: string, opts: CsvTableOptions = {}): string {
  try {
    parseCsvTable(text, { source: 'data.csv', ...opts });
  } catch (e) {
    assert.ok(e instanceof DataError, String(e));
    assert.doesNotMatch(e.message, /\n/);
    assert.match(e.message, /^data\.csv/);
    return e.message;
  }
  assert.fail('read without an error');
}

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

test('several columns by name and index, in the order asked', () => {
  const csv = 'date,open,close,volume\n2024-01-01,1,2,10\n2024-01-02,3,4,20\n';
  const t = parseCsvTable(csv, { columns: ['close', 1, '3'] });
  assert.deepEqual(t.columns, ['close', 'open', 'volume']);
  assert.deepEqual(t.values.map((v) => Array.from(v)), [[2, 4], [1, 3], [10, 20]]);
  assert.deepEqual(Array.from(t.dates!), [day('2024-01-01'), day('2024-01-02')]);
  assert.equal(t.dateColumn, 'date');
  assert.match(failure(csv, { columns: ['close', 'close'] }), /line 1: column "close" is asked for twice/);
  assert.match(failure(csv, { columns: ['close', 'volum'] }), /line 1: no column "volum" in the header; its columns are "date", "open", "close", "volume"/);
  assert.match(failure(csv, { columns: [] }), /no columns to read/);
});

test('the default value column is the first numeric one that is not the date column or named like one', () => {
  assert.deepEqual(parseCsvTable('date,price\n2024-01-01,5\n2024-01-02,6\n').columns, ['price']);
  // Found by its values even under another name, and with the date column not first.
  assert.deepEqual(parseCsvTable('id,when,v\nx,2024-01-01,5\ny,2024-01-02,6\n').columns, ['v']);
  // A column named "time" of plain numbers is an index, not a value, and not read as dates either.
  const t = parseCsvTable('time,value\n0,1\n1,2\n');
  assert.deepEqual([t.columns, t.dateColumn, t.dates], [['value'], null, null]);
  // Years in a column named year are dates.
  const y = parseCsvTable('year,sales\n1990,5\n1991,7\n1992,9\n');
  assert.deepEqual([y.columns, y.dateColumn, y.frequency], [['sales'], 'year', 'yearly']);
  // Without a header, by the first row's values.
  assert.deepEqual(values('2024-01-01,5\n2024-01-02,6\n'), [[5, 6]]);
  assert.deepEqual(parseCsvTable('2024-01-01,5\n2024-01-02,6\n').columns, ['1']);
});

test('the column reader picks the same default column', () => {
  assert.deepEqual(Array.from(parseCsvColumn('date,price\n2024-01-01,5\n2024-01-02,6\n')), [5, 6]);
});

test('a date column orders the rows and gives the frequency; rows newest first are read oldest first', () => {
  const monthly = parseCsvTable('month,co2\n1990-01,350\n1990-02,351\n1990-03,352\n');
  assert.equal(monthly.frequency, 'monthly');
  assert.deepEqual(Array.from(monthly.dates!), [day('1990-01-01'), day('1990-02-01'), day('1990-03-01')]);
  const newest = parseCsvTable('Date,Close\n2024-01-03,3\n2024-01-02,2\n2024-01-01,1\n', { source: 'p.csv' });
  assert.deepEqual(Array.from(newest.values[0]!), [1, 2, 3]);
  assert.deepEqual(Array.from(newest.dates!), [day('2024-01-01'), day('2024-01-02'), day('2024-01-03')]);
  assert.deepEqual(newest.warnings, ['p.csv: the dates run newest first; the rows are read oldest first']);
  const hourly = parseCsvTable('timestamp,temp\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,2\n2024-01-01 02:00,3\n');
  assert.equal(hourly.frequency, 'hourly');
});

test('unsorted dates and repeated dates are refused in one line, naming both lines', () => {
  assert.match(failure('date,v\n2024-01-01,1\n2024-01-03,2\n2024-01-02,3\n'), /^data\.csv line 4: date 2024-01-02 comes after 2024-01-03 \(line 3\): the dates must all increase \(or all decrease\)$/);
  assert.match(failure('date,v\n2024-01-01,1\n2024-01-01,2\n'), /^data\.csv line 3: date 2024-01-01 comes again \(line 2 has it\)/);
  assert.match(failure('date,v\n2024-01-01,1\n2024-13-01,2\n'), /line 3: cell "2024-13-01" in date column "date" is not an ISO 8601 date/);
  assert.match(failure('date,v\n2024-01-01,1\n,2\n'), /line 3: the cell in date column "date" is empty/);
  // dateColumn: null reads the rows as they come.
  assert.deepEqual(values('date,v\n2024-01-02,1\n2024-01-01,2\n2024-01-03,3\n', { dateColumn: null }), [[1, 2, 3]]);
});

test('a named date column of other date formats is not used, with a warning', () => {
  const t = parseCsvTable('date,v\n1/31/2024,1\n1/30/2024,2\n', { source: 'us.csv' });
  assert.deepEqual([t.dateColumn, t.columns, Array.from(t.values[0]!)], [null, ['v'], [1, 2]]);
  assert.match(t.warnings[0]!, /^us\.csv: column "date" holds "1\/31\/2024", not an ISO 8601 date/);
});

test('an explicit date column', () => {
  const t = parseCsvTable('ds,y\n2024-01-01,1\n2024-01-08,2\n2024-01-15,3\n', { dateColumn: 'ds' });
  assert.equal(t.frequency, 'weekly');
  assert.match(failure('a,y\n1,1\n', { dateColumn: 'b' }), /no date column "b" in the header/);
  assert.match(failure('a,y\nx,1\n', { dateColumn: 'a' }), /cell "x" in date column "a" is not an ISO 8601 date/);
  assert.match(failure('a,y\n2024-01-01,1\n', { dateColumn: 'a', columns: ['a'] }), /the value column and the date column are both "a"/);
});

test('delimiters: given, sniffed from the first line (tab, semicolon), comma otherwise', () => {
  assert.deepEqual(values('date\tv\n2024-01-01\t1\n2024-01-02\t2\n'), [[1, 2]]);
  assert.deepEqual(values('\n\na;b\n1,5;2\n', { columns: ['b'] }), [[2]]);
  assert.deepEqual(values('a|b\n1|2\n', { columns: ['b'], delimiter: '|' }), [[2]]);
  // Commas win over tabs in the first line: tabs may sit inside a comma-separated file's cells.
  assert.deepEqual(values('a,b\tc\n1,2\n', { columns: ['a'] }), [[1]]);
});

test('delimiter sniffing does not depend on where the chunks break', () => {
  const text = '\uFEFF\r\n  \ndate\tprice\r\n2024-01-01\t1.5\r\n2024-01-02\t2.5\r\n';
  for (let at = 0; at <= text.length; at++) {
    const r = new CsvTableReader({});
    r.push(text.slice(0, at));
    r.push(text.slice(at));
    assert.deepEqual(Array.from(r.end().values[0]!), [1.5, 2.5], `split at ${at}`);
  }
});

test('a first line longer than the sniffing looks at: the same outcome whole or in chunks, quickly', () => {
  const text = `${'ab\t'.repeat(400_000)}x\n1\n`;
  const outcome = (chunks: string[]) => {
    const r = new CsvTableReader({ source: 'long.csv' });
    try {
      chunks.forEach((c) => r.push(c));
      return r.end().values[0]!.length;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const whole = outcome([text]);
  assert.match(String(whole), /^long\.csv line 1: the first line is too long/);
  assert.equal(outcome(text.match(/[^]{1,65536}/g)!), whole);
  // Blank lines before the header are skipped whatever their number.
  assert.deepEqual(values(`${'\n'.repeat(100_000)}a\tb\n1\t2\n`, { columns: ['b'] }), [[2]]);
});

test('missing cells: an error by default, with the line and the way out', () => {
  for (const cell of ['NA', 'N/A', 'null', 'NaN', '.', '#N/A']) {
    const m = failure(`v\n1\n${cell}\n3\n`);
    assert.match(m, /^data\.csv line 3: /);
    assert.match(m, /--fill ffill, interpolate or drop reads missing values$/, cell);
  }
  assert.match(failure('a,v\n1,1\n2,\n', { columns: ['v'] }), /^data\.csv line 3: the cell in column "v" is empty; --fill/);
  // Infinity is not a missing value: it is refused whatever the fill.
  assert.match(failure('v\n1\ninf\n', { fill: 'ffill' }), /line 3: cell "inf" in column "v" is not a finite number$/);
  assert.match(failure('v\n1\nabc\n', { fill: 'drop' }), /line 3: cell "abc" in column "v" is not a number$/);
});

test('fill: ffill, interpolate and drop, across several columns and the dates', () => {
  const csv = 'date,a,b\n2024-01-01,,10\n2024-01-02,2,NA\n2024-01-03,,30\n2024-01-04,6,40\n2024-01-05,null,\n';
  const ffill = parseCsvTable(csv, { columns: ['a', 'b'], fill: 'ffill', source: 'f.csv' });
  // The first row has no a to carry forward: it goes.
  assert.deepEqual(ffill.values.map((v) => Array.from(v)), [[2, 2, 6, 6], [10, 30, 40, 40]]);
  assert.deepEqual(Array.from(ffill.dates!), ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map(day));
  assert.deepEqual(ffill.warnings, [
    'f.csv: filled 2 missing cells in column "a" (ffill)',
    'f.csv: filled 2 missing cells in column "b" (ffill)',
    'f.csv: dropped 1 row with missing values before the first value of every column',
  ]);
  const interpolate = parseCsvTable(csv, { columns: ['a', 'b'], fill: 'interpolate' });
  assert.deepEqual(interpolate.values.map((v) => Array.from(v)), [[2, 4, 6, 6], [20, 30, 40, 40]]);
  const drop = parseCsvTable(csv, { columns: ['a', 'b'], fill: 'drop' });
  assert.deepEqual(drop.values.map((v) => Array.from(v)), [[6], [40]]);
  assert.deepEqual(Array.from(drop.dates!), [day('2024-01-04')]);
  assert.match(failure('v\nNA\n\n-\n', { fill: 'ffill' }), /column "v" has no values: every cell is missing/);
  assert.match(failure('a,b\n1,\n,2\n', { columns: ['a', 'b'], fill: 'drop' }), /every row has a missing value/);
});

test('where: one series of a long-format file; no match names the values there are', () => {
  const csv = 'date,symbol,price\n2024-01-01,AAPL,1\n2024-01-01,MSFT,10\n2024-01-02,AAPL,2\n2024-01-02,MSFT,x\n';
  const t = parseCsvTable(csv, { where: { column: 'symbol', value: 'AAPL' } });
  assert.deepEqual([t.columns, Array.from(t.values[0]!), t.warnings], [['price'], [1, 2], []]);
  assert.equal(t.frequency, 'daily');
  assert.match(failure(csv, { where: { column: 'symbol', value: 'GOOG' } }), /^data\.csv: no row has column "symbol" = "GOOG"; its 4 rows hold "AAPL", "MSFT"$/);
  assert.match(failure(csv, { where: { column: 'ticker', value: 'A' } }), /line 1: no filter column "ticker" in the header/);
  assert.match(failure(csv, { where: { column: 'symbol', value: 'A' }, columns: ['symbol'] }), /the value column and the filter column are both "symbol"/);
});

test('a long-format file without a filter: refused when its dates repeat, a warning when it has none', () => {
  const byDate = 'date,symbol,price\n2024-01-01,AAPL,1\n2024-01-01,MSFT,10\n';
  assert.match(failure(byDate), /line 3: date 2024-01-01 comes again \(line 2 has it\): .*column "symbol" holds 2 values \(AAPL, MSFT\): the file looks long-format, pick one series with --where symbol=VALUE$/);
  const bySymbol = 'date,symbol,price\n2024-01-01,AAPL,1\n2024-01-02,AAPL,2\n2024-01-01,MSFT,10\n';
  assert.match(failure(bySymbol), /line 4: date 2024-01-01 comes after 2024-01-02 .*the file looks long-format/);
  const noDates = parseCsvTable('symbol,price\nAAPL,1\nAAPL,2\nMSFT,10\nMSFT,11\n', { source: 'l.csv' });
  assert.deepEqual(Array.from(noDates.values[0]!), [1, 2, 10, 11]);
  assert.deepEqual(noDates.warnings, ['l.csv: column "symbol" holds 2 values (AAPL, MSFT): the file looks long-format (several series one after another); pick one with --where symbol=VALUE']);
  // A text column whose values never repeat (notes) is no sign of long format; nor is a label beside dates that are
  // each there once (one series, as seattle-weather.csv's "weather" column).
  assert.deepEqual(parseCsvTable('note,v\na,1\nb,2\nc,3\n').warnings, []);
  assert.deepEqual(parseCsvTable('date,weather,t\n2024-01-01,rain,1\n2024-01-02,sun,2\n2024-01-03,rain,3\n2024-01-04,sun,4\n').warnings, []);
});

test('a file of one big series keeps memory to the columns it reads', () => {
  const rows = 20_000;
  const lines = ['date,symbol,note,value'];
  for (let i = 0; i < rows; i++) lines.push(`${new Date(Date.UTC(2000, 0, 1) + i * 3_600_000).toISOString()},S${i % 3},"n ${i}",${i}`);
  const t = parseCsvTable(`${lines.join('\n')}\n`);
  assert.equal(t.values[0]!.length, rows);
  assert.equal(t.values[0]![rows - 1], rows - 1);
  assert.equal(t.frequency, 'hourly');
  // Each hour once: one series, whatever the text columns beside it hold.
  assert.deepEqual(t.warnings, []);
});
