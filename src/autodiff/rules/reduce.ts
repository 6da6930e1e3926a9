// Reductions: the gradient is GO put back on the reduced axes and expanded to the input's shape (divided by the
// count for a mean). Dims known when the graph is built become constants; dynamic ones (batch) use Shape/Size.
import type { Ops } from '../../graph/ops.ts';
import type { Value } from '../../graph/value.ts';
import { defineGrad, type GradContext } from '../registry.ts';

function reducedAxes(c: GradContext): number[] {
  const x = c.I(0);
  const axes = c.node.inputs[1]?.constValue?.numbers() ?? c.node.ints('axes');
  if (c.node.inputs[1] && !c.node.inputs[1].constValue) throw new Error(`${c.node.op} gradient: axes must be constant`);
  // No axes, or an empty list, reduce every axis (unless noop_with_empty_axes makes the empty list a no-op).
  const all = !axes || (axes.length === 0 && c.node.int('noop_with_empty_axes', 0) === 0);
  return (all ? x.shape!.map((_, i) => i) : axes).map((a) => (a < 0 ? a + x.rank : a));
}

function spread(o: Ops, c: GradContext, axes: number[]): Value {
  const x = c.I(0);
  let g = c.GO(0)!;
  if (c.node.int('keepdims', 1) === 0 && g.rank < x.rank) g = o.unsqueeze(g, axes);
  return o.expand(g, o.dimsOf(x));
}

defineGrad('ReduceSum', (c) => {
  const g = spread(c.o, c, reducedAxes(c));
  return c.node.inputs.length > 1 ? [g, null] : [g];
});

defineGrad('ReduceMean', (c) => {
  const { o } = c;
  const axes = reducedAxes(c);
  const x = c.I(0);
  const dims = axes.map((a) => x.shape![a]);
  // The count is a constant when every reduced dim is fixed, else Size(x)/Size(y) computed in the graph.
  const count = dims.every((d) => typeof d === 'number')
    ? o.scalar((dims as number[]).reduce((a, b) => a * b, 1))
    : o.cast(o.div(o.g.add('Size', [x], {})[0]!, o.g.add('Size', [c.O(0)], {})[0]!), 'float32');
  const g = o.div(spread(o, c, axes), count);
  return c.node.inputs.length > 1 ? [g, null] : [g];
});
