// CSV files that used to crash the reader or be read wrongly: a first line of 200 MB of commas, a header naming the
// picked column twice, UTF-16 text. Each is one clear DataError.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataError } from '../../src/data/errors.ts';
import { readCsvColumnFile } from '../../src/node/csv-file.ts';

const root = mkdtempSync(join(tmpdir(), 'ingraph-csv-input-'));
after(() => rmSync(root, { recursive: true, force: true }));
const file = (name: string, data: string | Uint8Array) => {
  const path = join(root, name);
  writeFileSync(path, data);
  return path;
};
const refused = async (path: string, column?: string | number): Promise<string> => {
  try {
    await readCsvColumnFile(path, { column });
  } catch (e) {
    assert.ok(e instanceof DataError, String(e));
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  return 'ok';
};

test('a first line of 200 MB of commas is refused in one line (it used to be a V8 fatal error)', async () => {
  const path = join(root, 'commas.csv');
  const fd = openSync(path, 'w');
  const block = new Uint8Array(2 ** 20).fill(0x2c);
  for (let i = 0; i < 200; i++) writeSync(fd, block);
  closeSync(fd);
  assert.match(await refused(path, 'value'), /commas\.csv.*: the first line is too long \(over 65536 cells or 1048576 characters\); that is not a CSV ingraph reads/);
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'train', '--data', path, '--column', 'value', '--out', join(root, 'out')], { encoding: 'utf8' });
  assert.equal(cli.status, 1);
  assert.match(cli.stderr, /^error: .*the first line is too long .*\n$/);
});

test('a first line of a few very long header names is refused too, and a wide but sane header is read', async () => {
  const long = file('long-names.csv', `${Array.from({ length: 2000 }, (_, i) => `${'n'.repeat(1000)}${i}`).join(',')}\n1\n`);
  assert.match(await refused(long, 0), /the first line is too long/);
  const wide = file('wide.csv', `${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: 5000 }, (_, i) => i).join(',')}\n`);
  assert.deepEqual([...(await readCsvColumnFile(wide, { column: 'c4999' }))], [4999]);
});

test('a column name that appears twice is refused when picked by name; its index still picks it', async () => {
  const path = file('dup.csv', 'time,value,value\n0,1,10\n1,2,20\n');
  assert.match(await refused(path, 'value'), /dup\.csv.*: column "value" appears 2 times in the header \(columns 1, 2\); pick one by its 0-based index/);
  assert.deepEqual([...(await readCsvColumnFile(path, { column: 2 }))], [10, 20]);
  assert.deepEqual([...(await readCsvColumnFile(path, { column: 'time' }))], [0, 1]);
});

const utf16 = (text: string, bigEndian: boolean, bom: boolean): Uint8Array => {
  const out = new Uint8Array((text.length + (bom ? 1 : 0)) * 2);
  const dv = new DataView(out.buffer);
  [...(bom ? '\ufeff' : ''), ...text].forEach((ch, i) => dv.setUint16(i * 2, ch.charCodeAt(0), !bigEndian));
  return out;
};

for (const [name, bytes, message] of [
  ['UTF-16LE with a byte-order mark', utf16('value\n1\n2\n', false, true), /the file is UTF-16 \(it starts with a UTF-16 byte-order mark\); save it as UTF-8/],
  ['UTF-16BE with a byte-order mark', utf16('value\n1\n2\n', true, true), /the file is UTF-16 \(it starts with a UTF-16 byte-order mark\); save it as UTF-8/],
  ['UTF-16LE without one', utf16('value\n1\n2\n', false, false), /the file holds NUL bytes: it is UTF-16 or binary, not UTF-8 text; save it as UTF-8/],
] as const) {
  test(`a ${name} file is named as such, not "no column"`, async () => {
    const path = file(`${name.replace(/\W+/g, '-')}.csv`, bytes);
    const m = await refused(path, 'value');
    assert.match(m, message);
    assert.doesNotMatch(m, /no column/);
  });
}

test('a UTF-8 byte-order mark is still read as before', async () => {
  assert.deepEqual([...(await readCsvColumnFile(file('bom8.csv', '\ufeffvalue\n1\n2\n'), { column: 'value' }))], [1, 2]);
});
