// Long-format CSV: rows split into one series per id, in row order; a missing column or bad cell is one line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../src/data/errors.ts';
import { GroupCollector } from '../../src/data/groups.ts';
import { readGroupedCsvFile } from '../../src/node/grouped-csv-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-groups-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('rows are split by the id column, each series keeping its rows\' order; ids in order of first appearance', async () => {
  const file = join(dir, 'long.csv');
  writeFileSync(file, '\ufeffstore,day,sales\r\nb,1,10\r\na,1,1.5\r\n"b",2,"20"\r\na,2,2.5\r\n\r\n"c, north",1,-3e2\r\n');
  const groups = await readGroupedCsvFile(file, { group: 'store', column: 'sales' });
  assert.deepEqual([...groups.keys()], ['b', 'a', 'c, north']);
  assert.deepEqual([...groups.get('b')!], [10, 20]);
  assert.deepEqual([...groups.get('a')!], [1.5, 2.5]);
  assert.deepEqual([...groups.get('c, north')!], [-300]);
  const byIndex = await readGroupedCsvFile(file, { group: 'store', column: '2' });
  assert.deepEqual([...byIndex.get('a')!], [1.5, 2.5]);
});

test('a missing group or value column, a bad or empty cell, no rows: one line with the file and line', async () => {
  const file = join(dir, 'bad.csv');
  writeFileSync(file, 'id,value\na,1\na,oops\n');
  const cases: [{ group: string; column: string }, RegExp][] = [
    [{ group: 'store', column: 'value' }, /bad\.csv line 1: no group column "store" in the header; its columns are "id", "value"/],
    [{ group: 'id', column: 'sales' }, /bad\.csv line 1: no column "sales" in the header/],
    [{ group: 'id', column: 'id' }, /both "id"/],
    [{ group: 'id', column: 'value' }, /bad\.csv line 3: cell "oops" in column "value" is not a finite number/],
  ];
  for (const [opts, msg] of cases) {
    await assert.rejects(readGroupedCsvFile(file, opts), (e: unknown) => e instanceof DataError && msg.test(e.message) && !e.message.includes('\n'), JSON.stringify(opts));
  }
  await assert.rejects(readGroupedCsvFile(join(dir, 'none.csv'), { group: 'id', column: 'value' }), /none\.csv: no such file/);
  const empty = new GroupCollector({ group: 'id', column: 'value', source: 'e.csv' });
  empty.row(['id', 'value'], 1);
  assert.throws(() => empty.end(), /e\.csv: the file has a header but no data rows/);
  const blankId = new GroupCollector({ group: 'id', column: 'value' });
  blankId.row(['id', 'value'], 1);
  assert.throws(() => blankId.row([' ', '1'], 2), /line 2: the cell in group column "id" is empty/);
});
