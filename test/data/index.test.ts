import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as data from '../../src/data/index.ts';

test('src/data/index.ts re-exports the whole data pipeline', () => {
  for (const name of [
    'Rng', 'DataError', 'locate', 'dataError', 'tutorialSeries', 'CsvColumnReader', 'parseCsvColumn', 'makeWindows',
    'windowInputs', 'chronologicalSplit', 'epochBatches', 'fitNormalizer', 'normalize', 'denormalize',
    'CsvTableReader', 'parseCsvTable', 'parseCsvGroups', 'parseDate', 'inferFrequency', 'guessSeason', 'fillMissing', 'rollingOriginFolds',
  ]) {
    assert.equal(typeof (data as Record<string, unknown>)[name], 'function', name);
  }
});
