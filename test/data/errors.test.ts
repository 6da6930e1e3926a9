import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, dataError, locate } from '../../src/data/errors.ts';

test('dataError prefixes the location and keeps it as fields', () => {
  const e = dataError('bad cell', { source: 'data.csv', line: 7 });
  assert.ok(e instanceof DataError && e instanceof Error);
  assert.equal(e.name, 'DataError');
  assert.equal(e.message, 'data.csv line 7: bad cell');
  assert.equal(e.source, 'data.csv');
  assert.equal(e.line, 7);
});

test('locate names what is known', () => {
  assert.equal(locate({ source: 'a.csv' }), 'a.csv');
  assert.equal(locate({ line: 3 }), 'line 3');
  assert.equal(locate({}), '');
  assert.equal(dataError('x').message, 'x');
});
