// Activations: each rule uses the op's output where the derivative is a function of it (computed already by the
// forward pass), else its input.
import type { Ops } from '../../graph/ops.ts';
import type { Value } from '../../graph/value.ts';
import { defineGrad } from '../registry.ts';

// Sign(relu(x)) is 1 where x > 0 and 0 elsewhere, PyTorch's choice of relu'(0) = 0.
defineGrad('Relu', ({ o, O, GO }) => [o.mul(GO(0)!, o.sign(O(0)))]);

defineGrad('Tanh', ({ o, O, GO }) => [o.mul(GO(0)!, o.sub(o.scalar(1), o.mul(O(0), O(0))))]);

defineGrad('Sigmoid', ({ o, O, GO }) => [o.mul(GO(0)!, o.mul(O(0), o.sub(o.scalar(1), O(0))))]);

/** GO where x > 0, else GO·slope (slope a value shaped like x or a scalar); at x = 0 the left side, as PyTorch. */
const piecewise = (o: Ops, x: Value, go: Value, slope: Value) => o.where(o.g.add('Greater', [x, o.scalar(0)], {})[0]!, go, o.mul(go, slope));

defineGrad('LeakyRelu', ({ o, node, I, GO }) => [piecewise(o, I(0), GO(0)!, o.scalar(node.float('alpha', 0.01)))]);

// Elu: α(eˣ - 1) below 0, whose derivative αeˣ is y + α.
defineGrad('Elu', ({ o, node, I, O, GO }) => [piecewise(o, I(0), GO(0)!, o.add(O(0), o.scalar(node.float('alpha', 1))))]);

// Softplus: log(1 + eˣ)' = σ(x).
defineGrad('Softplus', ({ o, I, GO }) => [o.mul(GO(0)!, o.sigmoid(I(0)))]);

// Erf (what exporters below opset 20 write Gelu with): erf'(x) = 2/√π·e^(-x²).
defineGrad('Erf', ({ o, I, GO }) => {
  const x = I(0);
  const bell = o.g.add('Exp', [o.neg(o.mul(x, x))], {})[0]!;
  return [o.mul(GO(0)!, o.mul(bell, o.scalar(2 / Math.sqrt(Math.PI))))];
});

// Gelu (opset 20). Exact: x·Φ(x), derivative Φ(x) + x·φ(x). Tanh form: ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³),
// derivative ½(1 + t) + ½x(1 - t²)·√(2/π)(1 + 3·0.044715x²).
defineGrad('Gelu', ({ o, node, I, GO }) => {
  const x = I(0);
  const approximate = node.string('approximate', 'none');
  const half = o.scalar(0.5), one = o.scalar(1);
  const x2 = o.mul(x, x);
  let d: Value;
  if (approximate === 'tanh') {
    const k = Math.sqrt(2 / Math.PI), c = 0.044715;
    const t = o.tanh(o.mul(o.mul(x, o.add(one, o.mul(x2, o.scalar(c)))), o.scalar(k)));
    const du = o.mul(o.add(one, o.mul(x2, o.scalar(3 * c))), o.scalar(k));
    d = o.add(o.mul(half, o.add(one, t)), o.mul(o.mul(half, x), o.mul(o.sub(one, o.mul(t, t)), du)));
  } else if (approximate === 'none') {
    const cdf = o.mul(half, o.add(one, o.g.add('Erf', [o.mul(x, o.scalar(Math.SQRT1_2))], {})[0]!));
    const pdf = o.mul(o.g.add('Exp', [o.mul(x2, o.scalar(-0.5))], {})[0]!, o.scalar(1 / Math.sqrt(2 * Math.PI)));
    d = o.add(cdf, o.mul(x, pdf));
  } else throw new Error(`Gelu gradient (node ${node.name}): unknown approximate "${approximate}"`);
  return [o.mul(GO(0)!, d)];
});
