// Long-format CSV: rows split into one series per id, in row order; a missing column or bad cell is one line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseCsvGroups } from '../../src/data/csv-table.ts';
import { DataError } from '../../src/data/errors.ts';
import { readCsvGroups } from '../../src/node/csv-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-groups-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const values = (g: Map<string, { values: Float64Array[] }>, id: string) => [...g.get(id)!.values[0]!];

test('rows are split by the id column, each series keeping its rows\' order; ids in order of first appearance', async () => {
  const file = join(dir, 'long.csv');
  writeFileSync(file, '\ufeffstore,day,sales\r\nb,1,10\r\na,1,1.5\r\n"b",2,"20"\r\na,2,2.5\r\n\r\n"c, north",1,-3e2\r\n');
  const { groups } = await readCsvGroups(file, { group: 'store', columns: ['sales'] });
  assert.deepEqual([...groups.keys()], ['b', 'a', 'c, north']);
  assert.deepEqual(values(groups, 'b'), [10, 20]);
  assert.deepEqual(values(groups, 'a'), [1.5, 2.5]);
  assert.deepEqual(values(groups, 'c, north'), [-300]);
  const byIndex = await readCsvGroups(file, { group: 'store', columns: ['2'] });
  assert.deepEqual(values(byIndex.groups, 'a'), [1.5, 2.5]);
  // Without a value column: the first numeric one that is not named like a date (day).
  assert.deepEqual(values((await readCsvGroups(file, { group: 'store' })).groups, 'b'), [10, 20]);
});

test('each group is a series of its own: its dates ordered, its gaps filled, its warnings naming it', () => {
  const csv = 'date,symbol,price\n2024-01-02,A,2\n2024-01-01,B,10\n2024-01-01,A,1\n2024-01-02,B,\n2024-01-03,B,30\n';
  const { groups, warnings } = parseCsvGroups(csv, { group: 'symbol', fill: 'interpolate', source: 'g.csv' });
  assert.deepEqual(values(groups, 'A'), [1, 2]);
  assert.deepEqual(values(groups, 'B'), [10, 20, 30]);
  assert.equal(groups.get('B')!.frequency, 'daily');
  assert.deepEqual(warnings, ['g.csv: column "symbol" = "A": the dates run newest first; the rows are read oldest first', 'g.csv: column "symbol" = "B": filled 1 missing cell in column "price" (interpolate)']);
  assert.throws(() => parseCsvGroups('date,symbol,price\n2024-01-01,A,1\n2024-01-01,A,2\n', { group: 'symbol', source: 'g.csv' }), /^DataError: g\.csv line 3: date 2024-01-01 comes again \(line 2 has it\)/);
  // A filter and a group together: the filtered rows, split.
  const both = parseCsvGroups('m,s,v\nx,A,1\ny,A,2\nx,B,3\n', { group: 's', where: { column: 'm', value: 'x' } }).groups;
  assert.deepEqual([...both.keys()], ['A', 'B']);
  // The same column as filter and group: one group.
  const same = parseCsvGroups('m,s,v\nx,A,1\ny,A,2\nx,B,3\n', { group: 's', where: { column: 's', value: 'A' } }).groups;
  assert.deepEqual([...same.keys()], ['A']);
  assert.deepEqual(values(same, 'A'), [1, 2]);
});

test('a missing group or value column, a bad or empty cell, no rows: one line with the file and line', async () => {
  const file = join(dir, 'bad.csv');
  writeFileSync(file, 'id,value\na,1\na,oops\n');
  const cases: [{ group: string; columns: string[] }, RegExp][] = [
    [{ group: 'store', columns: ['value'] }, /bad\.csv line 1: no group column "store" in the header; its columns are "id", "value"/],
    [{ group: 'id', columns: ['sales'] }, /bad\.csv line 1: no column "sales" in the header/],
    [{ group: 'id', columns: ['id'] }, /both "id"/],
    [{ group: 'id', columns: ['value'] }, /bad\.csv line 3: cell "oops" in column "value" is not a number/],
  ];
  for (const [opts, msg] of cases) {
    await assert.rejects(readCsvGroups(file, opts), (e: unknown) => e instanceof DataError && msg.test(e.message) && !e.message.includes('\n'), JSON.stringify(opts));
  }
  await assert.rejects(readCsvGroups(join(dir, 'none.csv'), { group: 'id' }), /none\.csv: no such file/);
  assert.throws(() => parseCsvGroups('id,value\n', { group: 'id', source: 'e.csv' }), /e\.csv line 1: the file has a header but no data rows/);
  assert.throws(() => parseCsvGroups('id,value\n ,1\n', { group: 'id' }), /line 2: the cell in group column "id" is empty/);
});
