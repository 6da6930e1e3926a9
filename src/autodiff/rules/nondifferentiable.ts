// Ops whose outputs carry no gradient back to their inputs: constants, shapes and index ranges. The backward pass
// never reaches them through their integer outputs; registering them says so, and lets a path through one (a float
// ConstantOfShape fed by Shape(x), say) end there instead of failing for want of a rule.
import { isFloat } from '../../onnx/dtype.ts';
import { defineGrad } from '../registry.ts';

for (const op of ['Constant', 'ConstantOfShape', 'Shape', 'Range']) {
  defineGrad(op, ({ node }) => node.inputs.map(() => null));
}

// Cast between float types (exporters' type promotions) is the identity on values: GO goes back in the input's type.
// To or from an integer or boolean type there is no gradient.
defineGrad('Cast', ({ o, I, O, GO }) => {
  const x = I(0);
  if (!isFloat(x.dtype) || !isFloat(O(0).dtype)) return [null];
  return [x.dtype === O(0).dtype ? GO(0)! : o.cast(GO(0)!, x.dtype)];
});
