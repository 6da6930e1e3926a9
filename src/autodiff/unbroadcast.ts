// The one place broadcasting is undone: a gradient shaped like the broadcast result is summed back to the shape
// of the input that was broadcast.
import type { Ops } from '../graph/ops.ts';
import type { Value } from '../graph/value.ts';

export function unbroadcast(o: Ops, grad: Value, target: Value): Value {
  const gs = grad.shape, ts = target.shape;
  if (!gs || !ts) throw new Error(`cannot undo broadcasting for "${target.name}": unknown rank`);
  let g = grad;
  const lead = gs.length - ts.length;
  if (lead > 0) g = o.reduceSum(g, Array.from({ length: lead }, (_, i) => i), false);
  const axes: number[] = [];
  ts.forEach((d, i) => {
    if (d === 1 && gs[lead + i] !== 1) axes.push(i);
  });
  if (axes.length > 0) g = o.reduceSum(g, axes, true);
  return g;
}
