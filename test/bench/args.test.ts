import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BenchArgsError, parseBenchArgs } from '../../scripts/bench/args.ts';

test('defaults: the full benchmark into bench-results', () => {
  const o = parseBenchArgs([]);
  assert.equal(o.out, 'bench-results');
  assert.equal(o.repeats, 3);
  assert.equal(o.epochs, 1500);
  assert.deepEqual(o.ks, [1, 2, 10, 30, 100]);
  assert.equal(o.tfjsSteps, 150);
  assert.equal(o.torchSteps, null);
  assert.equal(o.scaling, true);
  assert.equal(o.grid, 'full');
  assert.equal(o.levers, false);
  assert.equal(o.tfjsFull, false);
});

test('--quick lowers the defaults but never a value given explicitly', () => {
  const q = parseBenchArgs(['--quick']);
  assert.equal(q.repeats, 1);
  assert.equal(q.epochs, 100);
  assert.deepEqual(q.ks, [1, 2]);
  assert.equal(q.grid, 'quick');
  assert.equal(parseBenchArgs(['--quick', '--grid', 'reduced']).grid, 'reduced');
  const e = parseBenchArgs(['--quick', '--repeats', '5', '--ks', '30, 2,30', '--out', 'x']);
  assert.equal(e.repeats, 5);
  assert.deepEqual(e.ks, [2, 30]);
  assert.equal(e.out, 'x');
});

test('flags: --no-scaling, --levers, --tfjs-full, --torch-steps', () => {
  const o = parseBenchArgs(['--no-scaling', '--levers', '--tfjs-full', '--torch-steps', '300']);
  assert.equal(o.scaling, false);
  assert.equal(o.levers, true);
  assert.equal(o.tfjsFull, true);
  assert.equal(o.torchSteps, 300);
});

test('bad values and unknown flags are errors naming the flag', () => {
  assert.throws(() => parseBenchArgs(['--repeats', '0']), /--repeats must be a positive integer/);
  assert.throws(() => parseBenchArgs(['--ks', '1,x']), /--ks must be a positive integer/);
  assert.throws(() => parseBenchArgs(['--bogus']), (e: Error) => e instanceof BenchArgsError && /bogus/.test(e.message));
});
