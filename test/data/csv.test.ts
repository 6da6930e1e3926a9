import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvColumnReader, parseCsvColumn, type CsvColumnOptions } from '../../src/data/csv.ts';
import { DataError } from '../../src/data/errors.ts';

const read = (text: string, opts: CsvColumnOptions = {}) => Array.from(parseCsvColumn(text, opts));

/** Asserts a DataError whose message starts with "data.csv line N: " and matches `detail`. */
function assertFails(text: string, opts: CsvColumnOptions, line: number, detail: RegExp): void {
  assert.throws(
    () => parseCsvColumn(text, { source: 'data.csv', ...opts }),
    (e: unknown) => {
      assert.ok(e instanceof DataError, `not a DataError: ${e}`);
      assert.ok(e.message.startsWith(`data.csv line ${line}: `), e.message);
      assert.match(e.message, detail);
      assert.equal(e.source, 'data.csv');
      assert.equal(e.line, line);
      return true;
    },
  );
}

test('one column without a header', () => {
  assert.deepEqual(read('1\n2.5\n-3e-2\n+4\n.5\n6.\n'), [1, 2.5, -0.03, 4, 0.5, 6]);
  const out = parseCsvColumn('1\n');
  assert.ok(out instanceof Float64Array);
});

test('exponents in every spelling: e or E, with +, - or no sign, after any mantissa', () => {
  assert.deepEqual(read('1e+5\n2.5E+3\n-4e+0\n.5e+1\n6.E+2\n7e5\n8E-1\n+9.5e-2\n'), [1e5, 2500, -4, 5, 600, 7e5, 0.8, 0.095]);
  // A first cell with an e+ exponent is data, not a header; a cell after a header is read the same.
  assert.deepEqual(read('1e+5\n2\n'), [1e5, 2]);
  assert.deepEqual(read('v\n1E+2\n'), [100]);
  assert.deepEqual(read('t,v\n0,3e+1\n1,-2.5e+0\n', { column: 'v' }), [30, -2.5]);
  assertFails('v\n1e+\n', {}, 2, /"1e\+" in column "v" is not a number/);
  assertFails('v\n1e+-5\n', {}, 2, /"1e\+-5" in column "v" is not a number/);
});

test('column by name, by index, and by a digits-only string', () => {
  const csv = 'date,price,volume\n2024-01-01,1.5,10\n2024-01-02,2.5,20\n';
  assert.deepEqual(read(csv, { column: 'price' }), [1.5, 2.5]);
  assert.deepEqual(read(csv, { column: 2 }), [10, 20]);
  assert.deepEqual(read(csv, { column: '2' }), [10, 20]);
  assert.deepEqual(read(csv, { column: ' volume ' }), [10, 20]);
  // A header name that is digits wins over the index it spells.
  assert.deepEqual(read('x,2,y\n7,8,9\n', { column: '2', header: true }), [8]);
  assert.deepEqual(read('7,8,9\n', { column: '2', header: false }), [9]);
});

test('default column is column 0, header or not', () => {
  assert.deepEqual(read(',price\n0,1.5\n1,2.5\n'), [0, 1]);
  assert.deepEqual(read('a,b\n1,2\n'), [1]);
  assert.deepEqual(read('5,6\n7,8\n'), [5, 7]);
});

test('header autodetection looks at the selected cell', () => {
  assert.deepEqual(read('price\n1\n2\n'), [1, 2]);
  assert.deepEqual(read('1\n2\n'), [1, 2]);
  assert.deepEqual(read('id,value\n1,2\n', { column: 0 }), [1]);
  // An empty cell says nothing (pandas' unnamed index column): the other cells decide.
  assert.deepEqual(read(',price\n1,2\n', { column: 0 }), [1]);
  assertFails('3,\n1,2\n', { column: 1 }, 1, /the cell in column 1 is empty/);
  // A bad first value is reported as data, not taken for a header name.
  assertFails('NaN\n1\n', {}, 1, /"NaN" in column 0 is not a finite number/);
});

test('header: true and false force the first line', () => {
  assert.deepEqual(read('1\n2\n', { header: true }), [2]);
  assertFails('price\n1\n', { header: false }, 1, /"price" in column 0 is not a number/);
});

test('UTF-8 BOM, CRLF, LF and lone CR line ends', () => {
  assert.deepEqual(read('\uFEFFprice\r\n1\r\n2\r\n'), [1, 2]);
  assert.deepEqual(read('\uFEFF1\n2'), [1, 2]);
  assert.deepEqual(read('1\r2\r3'), [1, 2, 3]);
  assert.deepEqual(read('1\r\n2\n3\r\n'), [1, 2, 3]);
});

test('quoted cells: "" escapes, delimiters and newlines inside quotes', () => {
  const csv = 'note,"price, usd"\n"say ""hi"", then\nleave","1.5"\n"a,b", "2"\n';
  assert.deepEqual(read(csv, { column: 'price, usd' }), [1.5, 2]);
  assertFails('x\n"1\n2"\n3\n', {}, 2, /"1\\n2" in column "x" is not a number/);
});

test('trailing separators give an empty trailing cell', () => {
  assert.deepEqual(read('a,b,\n1,2,\n3,4,\n', { column: 'b' }), [2, 4]);
  assertFails('a,b,\n1,2,\n', { column: 2 }, 2, /the cell in column 2 is empty/);
});

test('blank lines are skipped, and lines are still counted', () => {
  assert.deepEqual(read('\n\nprice\n\n1\n   \n2\n\n'), [1, 2]);
  assertFails('\n\nprice\n\n1\n\nx\n', {}, 7, /"x" in column "price" is not a number/);
});

test('other delimiters', () => {
  assert.deepEqual(read('a;b\n1,5;2\n', { column: 'b', delimiter: ';' }), [2]);
  assert.deepEqual(read('a\tb\n1\t 2\n', { column: 1, delimiter: '\t' }), [2]);
  assert.throws(() => new CsvColumnReader({ delimiter: ',,' }), DataError);
  assert.throws(() => new CsvColumnReader({ delimiter: '"' }), DataError);
});

test('blanks around cells and quotes are ignored', () => {
  assert.deepEqual(read('a, b \n1,  "2" \n3, 4\n', { column: 'b' }), [2, 4]);
});

test('error: a cell that is not a number names file, line and column', () => {
  assertFails('price\n1\n2\n3\n4\n5\nabc\n', { column: 'price' }, 7, /^data\.csv line 7: cell "abc" in column "price" is not a number$/);
  assertFails('1\n0x10\n', {}, 2, /"0x10" in column 0 is not a number/);
});

test('error: NaN, Infinity and out-of-range numbers are not finite', () => {
  assertFails('v\n1\nNaN\n', {}, 3, /cell "NaN" in column "v" is not a finite number/);
  assertFails('v\n-Infinity\n', {}, 2, /"-Infinity" .* not a finite number/);
  assertFails('v\ninf\n', {}, 2, /not a finite number/);
  assertFails('v\n1e999\n', {}, 2, /"1e999" .* not a finite number/);
});

test('error: an empty cell in the selected column', () => {
  assertFails('a,b\n1,2\n3,\n', { column: 'b' }, 3, /the cell in column "b" is empty/);
  assertFails('a,b\n1,2\n3,""\n', { column: 'b' }, 3, /the cell in column "b" is empty/);
});

test('error: an unknown column name lists the available ones', () => {
  assertFails('date,price\n1,2\n', { column: 'prise' }, 1, /no column "prise" in the header; its columns are "date", "price"/);
  assertFails('\n\ndate,price\n1,2\n', { column: 'prise', header: true }, 3, /no column "prise"/);
});

test('error: a column index out of range', () => {
  assertFails('date,price\n1,2\n', { column: 2 }, 1, /column index 2 is out of range: the header has 2 columns/);
  assertFails('1,2\n3,4\n', { column: 5 }, 1, /the row has 2 cells, too few for column 5/);
});

test('error: a row with too few cells', () => {
  assertFails('a,b\n1,2\n3\n', { column: 'b' }, 3, /the row has 1 cell, too few for column "b"/);
});

test('error: an empty file, a blank file, a header without data', () => {
  assertFails('', {}, 1, /no data rows: it is empty or blank/);
  assertFails('\n \r\n\n', {}, 3, /no data rows: it is empty or blank/);
  assertFails('\uFEFF', {}, 1, /no data rows/);
  assertFails('\nprice\n\n', {}, 2, /the file has a header but no data rows/);
});

test('error: malformed quotes', () => {
  assertFails('1\n"2\n3\n', {}, 2, /a quoted cell is never closed/);
  assertFails('1\n"2"x\n', {}, 2, /unexpected "x" after the closing quote/);
});

test('error: a name for the column while header is off', () => {
  assert.throws(() => new CsvColumnReader({ column: 'price', header: false, source: 'data.csv' }), (e: unknown) =>
    e instanceof DataError && /^data\.csv: column "price" is a name, but the file is read without a header$/.test(e.message));
  assert.throws(() => new CsvColumnReader({ column: -1 }), DataError);
});

test('a very long cell is cut, not kept whole', () => {
  assertFails(`v\n${'1'.repeat(100_000)}\n`, {}, 2, /"1{40}…" in column "v" is not a number/);
});

test('without a source the message still names the line', () => {
  assert.throws(() => parseCsvColumn('1\nx\n'), { name: 'DataError', message: 'line 2: cell "x" in column 0 is not a number' });
});

const BOUNDARY_CSV =
  '\uFEFFdate,"price, usd",note\r\n' +
  '\r\n' +
  '2024-01-01,"1.5","say ""hi"", then\r\nleave",\r\n' +
  '2024-01-02, 2.5 ,x\n' +
  '\n' +
  '2024-01-03,"-3e2",\r' +
  '2024-01-04,4,"a,b"';

function readChunks(chunks: string[], opts: CsvColumnOptions): number[] | string {
  try {
    const reader = new CsvColumnReader(opts);
    for (const c of chunks) reader.push(c);
    return Array.from(reader.end());
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return e.message;
  }
}

test('chunk boundaries: a split at every offset gives the same values', () => {
  const opts = { column: 'price, usd' };
  assert.deepEqual(readChunks([BOUNDARY_CSV], opts), [1.5, 2.5, -300, 4]);
  for (let at = 0; at <= BOUNDARY_CSV.length; at++) {
    assert.deepEqual(readChunks([BOUNDARY_CSV.slice(0, at), BOUNDARY_CSV.slice(at)], opts), [1.5, 2.5, -300, 4], `split at ${at}`);
  }
  assert.deepEqual(readChunks([...BOUNDARY_CSV], opts), [1.5, 2.5, -300, 4]);
});

test('chunk boundaries: a split at every offset gives the same error', () => {
  const csv = BOUNDARY_CSV.replace('"-3e2"', '"-3\r\ne2"');
  const expected = 'data.csv line 7: cell "-3\\r\\ne2" in column "price, usd" is not a number';
  const opts = { column: 'price, usd', source: 'data.csv' };
  for (let at = 0; at <= csv.length; at++) {
    assert.equal(readChunks([csv.slice(0, at), csv.slice(at)], opts), expected, `split at ${at}`);
  }
});
