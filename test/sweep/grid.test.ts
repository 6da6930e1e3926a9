// The grid syntax: every combination of the listed values, and one clear line for any key or value it cannot take.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SweepError } from '../../src/sweep/errors.ts';
import { expandGrid, parseGrid } from '../../src/sweep/grid.ts';

test('a grid expands to the product of its axes, first axis slowest, values typed', () => {
  const axes = parseGrid('  hidden=5,16,32 lr=1e-2,1e-3   window=12,24 normalize=true,false batch-size=8 optimizer=sgd local=last,window ');
  const points = expandGrid(axes);
  assert.equal(points.length, 3 * 2 * 2 * 2 * 2);
  assert.deepEqual(points[0], { hidden: 5, lr: 0.01, window: 12, normalize: true, batchSize: 8, optimizer: 'sgd', local: 'last' });
  assert.deepEqual(points[1], { ...points[0], local: 'window' });
  assert.deepEqual(points[2], { ...points[0], normalize: false });
  assert.deepEqual(points.at(-1), { hidden: 32, lr: 0.001, window: 24, normalize: false, batchSize: 8, optimizer: 'sgd', local: 'window' });
  assert.equal(new Set(points.map((p) => JSON.stringify(p))).size, points.length);
});

test('an empty grid is one point: the base settings alone', () => {
  assert.deepEqual(expandGrid(parseGrid('')), [{}]);
});

test('an unknown key, a bad value, a key without values or given twice: one line naming it', () => {
  const cases: [string, RegExp][] = [
    ['hidden=5 depth=2', /unknown key "depth"; the keys are hidden, /],
    ['hidden=5,x', /hidden must be a whole number ≥ 1, got "x"/],
    ['hidden=0', /hidden must be a whole number ≥ 1, got "0"/],
    ['lr=0', /lr must be a number > 0, got "0"/],
    ['lr=1e-2,', /lr must be a number > 0, got ""/],
    ['lr=Infinity', /lr must be a number > 0/],
    ['window=2.5', /window must be a whole number/],
    ['normalize=yes', /normalize must be true or false/],
    ['loss=mae', /loss must be mse, l1 or huber/],
    ['local=mean', /local must be last, window or none/],
    ['hidden', /"hidden" gives no values/],
    ['hidden=4 hidden=8', /"hidden" is given twice/],
    ['hidden=4,4', /hidden lists a value twice/],
  ];
  for (const [text, msg] of cases) {
    assert.throws(() => parseGrid(text), (e: unknown) => e instanceof SweepError && msg.test(e.message) && !e.message.includes('\n'), text);
  }
});
