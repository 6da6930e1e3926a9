import assert from 'node:assert/strict';
import { test } from 'node:test';
import { category, selfTimeByCategory } from '../../scripts/bench/cpuprof.ts';

test('category: native session.run, the trainer, GC and idle told apart', () => {
  assert.equal(category('', 'file:///x/node_modules/onnxruntime-node/dist/backend.js'), 'session.run: ONNX Runtime native (kernels, copies)');
  assert.equal(category('train', 'file:///x/src/train/trainer.ts'), 'src/train (trainer loop, feeds, eval, checkpoints)');
  assert.equal(category('(garbage collector)', ''), 'garbage collection');
  assert.match(category('(idle)', ''), /^idle/);
  assert.equal(category('fsync', ''), 'native: fsync');
});

test('selfTimeByCategory: each sample\'s time goes to the category of the function it hit', () => {
  const ms = selfTimeByCategory({
    nodes: [
      { id: 1, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: 0 } },
      { id: 2, callFrame: { functionName: 'train', url: 'file:///x/src/train/trainer.ts', lineNumber: 1 } },
    ],
    samples: [1, 2, 2],
    timeDeltas: [1000, 2000, 3000],
  });
  assert.deepEqual([...ms], [['garbage collection', 1], ['src/train (trainer loop, feeds, eval, checkpoints)', 5]]);
});
