// The backward pass itself: accumulation of values used more than once (micrograd's cases), pruning to the nodes
// between loss and parameters, and the errors for a missing rule, a wrong rule and a parameter the loss ignores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { gradients } from '../../src/autodiff/backward.ts';
import { defineGrad } from '../../src/autodiff/registry.ts';
import { Graph } from '../../src/graph/graph.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Value } from '../../src/graph/value.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { checkGradients, runOrt } from '../helpers/gradcheck.ts';

const x23 = [{ name: 'x', dims: [2, 3] }];

test('a value used twice in one node: x*x', async () => {
  await checkGradients({ inputs: x23, build: (o, [x]) => o.mul(x!, x!) });
});

test('a value used twice in one node: x+x', async () => {
  await checkGradients({ inputs: x23, build: (o, [x]) => o.add(x!, x!) });
});

test('a value used three times sums its contributions with one Sum: x*x + x', async () => {
  const r = await checkGradients({ inputs: x23, build: (o, [x]) => o.add(o.mul(x!, x!), x!) });
  assert.ok(r.graph.nodes.some((n) => n.op === 'Sum' && n.inputs.length === 3), 'three contributions are summed by one Sum');
});

test('a diamond: y = tanh(x) feeds both y·w and sigmoid(y), which meet again', async () => {
  await checkGradients({
    inputs: [...x23, { name: 'w', dims: [3] }],
    build: (o, [x, w]) => {
      const y = o.tanh(x!);
      return o.add(o.mul(y, w!), o.sigmoid(y));
    },
  });
});

test('hand-computed: d/dx sum(x*x) is exactly 2x, and d/dx sum(x+x) is exactly 2', async () => {
  const g = new Graph('hand');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [3]);
  const l1 = g.output(o.reduceSum(o.mul(x, x), [0]), 'sq');
  const l2 = g.output(o.reduceSum(o.add(x, x), [0]), 'twice');
  g.output(gradients(g, l1, [x]).get(x)!, 'd_sq');
  g.output(gradients(g, l2, [x]).get(x)!, 'd_twice');
  const xs = Float32Array.from([1.5, -2, 0.25]);
  const r = await runOrt(serializeModel(g), { x: new ort.Tensor('float32', xs, [3]) });
  assert.deepEqual(Array.from(r.d_sq!.data as Float32Array), [3, -4, 0.5]);
  assert.deepEqual(Array.from(r.d_twice!.data as Float32Array), [2, 2, 2]);
});

/** x (a parameter) and c (data); a branch from x that misses the loss, and one into the loss that misses x. */
function prunable() {
  const g = new Graph('prune');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [2, 3]);
  const c = g.input('c', 'float32', [2, 3]);
  const offPath = o.tanh(x); // from the parameter, not into the loss
  g.output(offPath, 'side');
  const constant = o.sigmoid(c); // into the loss, independent of the parameter
  const loss = o.reduceSum(o.add(o.mul(x, c), constant), [0, 1]);
  return { g, o, x, c, offPath, constant, loss };
}

test('pruning: branches off the path between parameter and loss emit no gradient nodes', () => {
  const { g, x, c, offPath, constant, loss } = prunable();
  const before = g.nodes.length;
  const grads = gradients(g, loss, [x]);
  const added = g.nodes.slice(before);
  assert.ok(added.length > 0 && grads.has(x));
  const uses = (v: Value) => added.filter((n) => n.inputs.includes(v)).map((n) => n.op);
  assert.deepEqual(uses(offPath), [], 'the Tanh branch that misses the loss got gradient nodes');
  assert.deepEqual(uses(constant), [], 'the Sigmoid branch that misses the parameter got gradient nodes');
  // dx = GO·c needs c; dc = GO·x would need x, and c is no parameter.
  assert.deepEqual(uses(x), [], 'a gradient for c (not a parameter) was formed');
  assert.ok(uses(c).length > 0);
  assert.ok(!added.some((n) => n.op === 'Sign' || n.op === 'Sub'), 'no Tanh or Sigmoid rule ran');
});

test('pruning: an op without a rule off the path does not matter', () => {
  const g = new Graph('off');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [2]);
  g.output(g.add('Exp', [x], {})[0]!, 'e');
  const loss = o.reduceSum(o.mul(x, x), [0]);
  assert.ok(gradients(g, loss, [x]).has(x));
});

test('a missing rule fails in one line naming the op, the node and its path to the loss', () => {
  const g = new Graph('missing');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [2]);
  const e = g.add('Exp', [x], {})[0]!;
  const m = o.mul(e, x);
  const loss = g.output(o.reduceSum(m, [0]), 'loss');
  const r = loss.producer!.inputs[0]!.producer!; // the ReduceSum, before the output's Identity
  assert.throws(() => gradients(g, loss, [x]), {
    message: `no gradient rule for op Exp (node ${e.producer!.name}); the loss needs it through ${e.producer!.name} (Exp) → ` +
      `${m.producer!.name} (Mul) → ${r.name} (ReduceSum) → ${loss.producer!.name} (Identity) → loss "loss"`,
  });
});

test('a long path to the loss is shortened in the middle', () => {
  const g = new Graph('long');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [2]);
  let v = g.add('Exp', [x], {})[0]!;
  for (let k = 0; k < 6; k++) v = o.tanh(v);
  const loss = o.reduceSum(v, [0]);
  assert.throws(() => gradients(g, loss, [x]), (err: Error) => {
    assert.match(err.message, /^no gradient rule for op Exp \(node n_exp_\d+\); the loss needs it through n_exp_\d+ \(Exp\) → n_tanh_\d+ \(Tanh\) → n_tanh_\d+ \(Tanh\) → … → n_reducesum_\d+ \(ReduceSum\) → loss "reducesum_\d+"$/);
    return true;
  });
});

test('integer values carry no gradient: a path through Shape and an op without a rule on indices is not followed', () => {
  const g = new Graph('ints');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [3, 4]);
  // ArgMax has no rule, but only its integer output reaches the loss, as Gather's indices.
  const where = g.add('ArgMax', [x], { axis: { type: 'int', value: 1 }, keepdims: { type: 'int', value: 0 } }, { types: [{ dtype: 'int64', shape: [3] }] })[0]!;
  const picked = o.gather(o.reshape(o.tanh(x), [-1]), where);
  const loss = o.reduceSum(o.g.add('Reshape', [o.mul(picked, picked), o.shape(where)], {})[0]!, [0]);
  assert.ok(gradients(g, loss, [x]).has(x));
});

test('a parameter the loss does not depend on is an error naming it', () => {
  const g = new Graph('unused');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [2]);
  const p = g.input('p', 'float32', [2]);
  const loss = o.reduceSum(o.mul(x, x), [0]);
  assert.throws(() => gradients(g, loss, [x, p]), /does not depend on "p"/);
});

test('the registry rejects a second rule for the same op', () => {
  assert.throws(() => defineGrad('Add', () => []), /Add is defined twice/);
});

test('a rule returning the wrong number of gradients fails naming the op', () => {
  defineGrad('TestWrongArity', () => []);
  const g = new Graph('arity');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [2]);
  const y = g.add('TestWrongArity', [x], {}, { types: [{ dtype: 'float32', shape: [2] }] })[0]!;
  assert.throws(() => gradients(g, o.reduceSum(y, [0]), [x]), /rule for TestWrongArity returned 0 gradients for 1 inputs/);
});

test('an option given as undefined keeps its default: a short window is unrolled, not scanned', () => {
  const g = new Graph('defaults');
  const o = new Ops(g);
  const X = g.input('X', 'float32', [3, 2, 2]);
  const W = g.input('W', 'float32', [1, 3, 2]);
  const R = g.input('R', 'float32', [1, 3, 3]);
  const Yh = g.add('RNN', [X, W, R], { hidden_size: { type: 'int', value: 3 } }, { count: 2 })[1]!;
  gradients(g, o.reduceSum(Yh, [0, 1, 2]), [W], { recurrence: undefined });
  assert.ok(!g.nodes.some((n) => n.op === 'Scan'), 'auto mode unrolls a window of 3');
});
