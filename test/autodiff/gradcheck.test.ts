// The test helpers checked themselves: the gradient check rejects a wrong rule in both of its modes, and the float64
// references agree with values worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineGrad, gradRule } from '../../src/autodiff/registry.ts';
import '../../src/autodiff/rules/index.ts';
import { Graph } from '../../src/graph/graph.ts';
import { Ops } from '../../src/graph/ops.ts';
import { checkGradients } from '../helpers/gradcheck.ts';
import { arr, evalGraph64, lstmForward } from '../helpers/reference.ts';

/** The same float64 formula evaluated in another order: a few units in the last place apart at most. */
const close = (a: number | undefined, b: number) => assert.ok(Math.abs(a! - b) <= 1e-15, `${a} vs ${b}`);

// An op that ORT runs, the interpreter knows, and no rule covers yet; a deliberately wrong rule for it (d = GO, as
// if it were Identity) must be caught. Whichever of these still has no rule when the test runs is used.
const victim = ['Exp', 'Log', 'Sqrt', 'Reciprocal'].find((op) => !gradRule(op));

test('the gradient check rejects a wrong rule, element by element and along random directions', { skip: !victim && 'every candidate op has a rule' }, async () => {
  defineGrad(victim!, ({ GO }) => [GO(0)]);
  // Positive inputs: Log and Sqrt are defined there.
  for (const dims of [[2, 3], [10, 10]]) {
    const n = dims[0]! * dims[1]!;
    const data = Array.from({ length: n }, (_, i) => 0.5 + (i % 5) / 5);
    await assert.rejects(
      checkGradients({ inputs: [{ name: 'x', dims, data }], build: (o, [x]) => o.g.add(victim!, [x!], {})[0]! }),
      /gradient mismatches/,
      `a wrong ${victim} rule passed for [${dims}]`,
    );
  }
});

test('lstmForward: one step with hand-computed gates, in ONNX order i, o, f, c', () => {
  // H = 1, F = 1, x = 1, zero recurrent weights: pre-activations are W·x + Wb + Rb.
  const W = arr([4, 1], [0.5, -1, 2, 0.25]); // i, o, f, c
  const R = arr([4, 1], [9, 9, 9, 9]); // meets h₋₁ = 0 only
  const r = lstmForward(arr([1, 1, 1], [1]), W, R, [0.1, 0, 0, 0], [0, 0.2, 0, 0]);
  const s = (z: number) => 1 / (1 + Math.exp(-z));
  const c = s(0.6) * Math.tanh(0.25); // f·c₋₁ = 0
  close(r.c.data[0], c);
  close(r.h.data[0], s(-0.8) * Math.tanh(c));
  assert.deepEqual(Array.from(r.Y.data), Array.from(r.h.data));
});

test('lstmForward: the second step uses R on the first hidden state and f on the first cell state', () => {
  const W = arr([4, 1], [0, 0, 0, 1]);
  const R = arr([4, 1], [0, 0, 0, 1]); // only the candidate g sees h
  const r = lstmForward(arr([1, 2, 1], [1, 0]), W, R, null, null);
  const half = 0.5; // σ(0)
  const c1 = half * Math.tanh(1);
  const h1 = half * Math.tanh(c1);
  const c2 = half * c1 + half * Math.tanh(h1);
  close(r.Y.data[0], h1);
  close(r.Y.data[1], half * Math.tanh(c2));
});

test('evalGraph64 runs only what the wanted values need, and follows ONNX slicing rules', () => {
  const g = new Graph('interp');
  const o = new Ops(g);
  const x = g.input('x', 'float32', [5]);
  g.add('NotAnOp', [x], {}, { types: [{ dtype: 'float32', shape: [5] }] }); // off the path: never run
  const rev = o.slice(x, [-1], [-1000], [0], [-2]);
  const mid = o.slice(x, [1], [-1], [0]);
  const [a, b] = evalGraph64(g, { x: [0, 1, 2, 3, 4] }, [rev, mid]);
  assert.deepEqual(Array.from(a!.data), [4, 2, 0]);
  assert.deepEqual(Array.from(b!.data), [1, 2, 3]);
});
