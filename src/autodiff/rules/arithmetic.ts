// Elementwise arithmetic. Every binary rule undoes broadcasting through the one shared helper.
import { defineGrad } from '../registry.ts';
import { unbroadcast } from '../unbroadcast.ts';

defineGrad('Identity', ({ GO }) => [GO(0)]);

// Dropout in inference mode is the identity. Training mode would need the mask's scaling; refused rather than wrong.
defineGrad('Dropout', ({ node, GO }) => {
  const training = node.inputs[2];
  if (training && training.constValue?.numbers()[0] !== 0) {
    throw new Error(`Dropout gradient (node ${node.name}): only inference mode is supported (training_mode absent or a constant false)`);
  }
  return node.inputs.map((_, i) => (i === 0 ? GO(0) : null));
});

defineGrad('Neg', ({ o, GO }) => [o.neg(GO(0)!)]);

defineGrad('Add', ({ o, I, GO, needs }) => [
  needs(0) ? unbroadcast(o, GO(0)!, I(0)) : null,
  needs(1) ? unbroadcast(o, GO(0)!, I(1)) : null,
]);

defineGrad('Sub', ({ o, I, GO, needs }) => [
  needs(0) ? unbroadcast(o, GO(0)!, I(0)) : null,
  needs(1) ? unbroadcast(o, o.neg(GO(0)!), I(1)) : null,
]);

defineGrad('Mul', ({ o, I, GO, needs }) => [
  needs(0) ? unbroadcast(o, o.mul(GO(0)!, I(1)), I(0)) : null,
  needs(1) ? unbroadcast(o, o.mul(GO(0)!, I(0)), I(1)) : null,
]);

// d(a/b) = da/b - db·(a/b)/b: uses its output, so no second division of a.
defineGrad('Div', ({ o, I, O, GO, needs }) => {
  const gb = needs(1) || needs(0) ? o.div(GO(0)!, I(1)) : null;
  return [needs(0) ? unbroadcast(o, gb!, I(0)) : null, needs(1) ? unbroadcast(o, o.neg(o.mul(gb!, O(0))), I(1)) : null];
});

defineGrad('Abs', ({ o, I, GO }) => [o.mul(GO(0)!, o.sign(I(0)))]);

// Where(c, a, b): the condition gets no gradient; each branch gets GO where it was chosen.
defineGrad('Where', ({ o, I, GO, needs }) => {
  const zero = o.scalar(0);
  return [
    null,
    needs(1) ? unbroadcast(o, o.where(I(0), GO(0)!, zero), I(1)) : null,
    needs(2) ? unbroadcast(o, o.where(I(0), zero, GO(0)!), I(2)) : null,
  ];
});

// Pow(x, p) (exporters' x³ in tanh-Gelu, x² in norms): d/dx = p·x^(p-1) (not p·y/x, which fails at x = 0);
// d/dp = y·ln x, defined for x > 0. An integer exponent is cast to x's type for the product.
defineGrad('Pow', ({ o, I, O, GO, needs }) => {
  const x = I(0), g = GO(0)!;
  const p = I(1).dtype === x.dtype ? I(1) : o.cast(I(1), x.dtype);
  return [
    needs(0) ? unbroadcast(o, o.mul(g, o.mul(p, o.pow(x, o.sub(p, o.scalar(1))))), x) : null,
    needs(1) ? unbroadcast(o, o.mul(g, o.mul(O(0), o.g.add('Log', [x], {})[0]!)), I(1)) : null,
  ];
});
