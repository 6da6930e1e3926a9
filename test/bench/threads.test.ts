// --threads auto: one intra-op thread for small steps, more as a step's recurrent product grows, never more than
// the cores; a count given is used as it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoThreads, MACS_FOR_TWO_THREADS, MACS_PER_THREAD, resolveThreads } from '../../src/train/providers.ts';

const tutorial = { batch: 256, hidden: 5, features: 1 };

test('auto: one thread at the tutorial size, whatever the cores', () => {
  for (const cores of [1, 2, 16]) assert.equal(autoThreads(tutorial, cores), 1);
});

test('auto: two threads from MACS_FOR_TWO_THREADS multiply-adds of a time step\'s product, then one per MACS_PER_THREAD', () => {
  const macs = (s: { batch: number; hidden: number; features: number }) => s.batch * 4 * s.hidden * (s.hidden + s.features);
  assert.equal(autoThreads({ batch: 64, hidden: 32, features: 1 }, 64), 1); // 270K
  assert.equal(autoThreads({ batch: 256, hidden: 32, features: 1 }, 64), 1); // 1.08M
  assert.equal(autoThreads({ batch: 128, hidden: 64, features: 1 }, 64), 2); // 2.13M
  assert.equal(autoThreads({ batch: 64, hidden: 128, features: 1 }, 64), 2); // 4.2M
  const sizes = [32, 64, 128, 256].map((hidden) => ({ batch: 1024, hidden, features: 1 }));
  const threads = sizes.map((s) => autoThreads(s, 64));
  assert.deepEqual(threads, sizes.map((s) => (macs(s) < MACS_FOR_TWO_THREADS ? 1 : Math.max(2, Math.floor(macs(s) / MACS_PER_THREAD)))));
  for (let i = 1; i < threads.length; i++) assert.ok(threads[i]! >= threads[i - 1]!);
  assert.ok(threads.at(-1)! > 2);
});

test('auto: never more threads than cores', () => {
  assert.equal(autoThreads({ batch: 1024, hidden: 256, features: 1 }, 2), 2);
});

test('a thread count given is used as it is; none given is one', () => {
  assert.equal(resolveThreads(3, tutorial), 3);
  assert.equal(resolveThreads(undefined, { batch: 1024, hidden: 256, features: 1 }), 1);
  assert.equal(resolveThreads('auto', tutorial), 1);
});
