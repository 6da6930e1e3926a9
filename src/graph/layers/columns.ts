// The "columns" layout the recurrent layers and their rules work in: every per-step tensor is [·, B] (features or
// gates down, the batch across), every all-steps tensor [T, ·, B], and the steps side by side [·, T·B]. Splitting
// the gates of a step, or the steps of a tensor, is then a split along a leading axis: whole contiguous blocks. In
// the ops' own [B, ·] layout each such split or concat copies one run of H floats per row, and at the tutorial size
// those copies were a third of a training step (docs/perf.md). Here: the conversions between the two layouts.
import { attr } from '../node.ts';
import type { Ops } from '../ops.ts';
import { constInts, type Value } from '../value.ts';

/** The T steps of v, one [·, B] tensor each: v is [T·n, B] or [T, n, B]. Flatten, not a Reshape to [T·n, -1]: it
 *  needs no dims, and a gradient's may not be known (one that came through a time reversal's ScatterND). */
export function stepsOf(o: Ops, v: Value, T: number): Value[] {
  const flat = v.shape!.length === 3 ? o.g.add('Flatten', [v], { axis: attr.int(2) })[0]! : v;
  return T === 1 ? [flat] : o.g.add('Split', [flat], { axis: attr.int(0), num_outputs: attr.int(T) }, { count: T });
}

/** Per-step [n, B] tensors stacked as [T, n, B]. */
export function stacked(o: Ops, vs: Value[]): Value {
  const n = vs[0]!.shape![0] as number;
  return o.reshape(vs.length === 1 ? vs[0]! : o.concat(vs, 0), [vs.length, n, -1]);
}

/** [T, n, B] as the steps side by side, [n, T·B]. Flatten needs no dims, which an imported graph may not know. */
export function sideBySide(o: Ops, v: Value): Value {
  return o.g.add('Flatten', [o.transpose(v, [1, 0, 2])], { axis: attr.int(1) })[0]!;
}

/** [T, B, ·] as rows [T·B, ·]. */
export function rowsOf(o: Ops, v: Value): Value {
  return o.g.add('Flatten', [v], { axis: attr.int(2) })[0]!;
}

/** A state as the recurrent ops lay it out, [1, B, H] (Y_h, initial_h), as columns [H, B], and back. */
export const stateColumns = (o: Ops, v: Value): Value => o.transpose(unsqueezed(v) ?? o.squeeze(v, [0]), [1, 0]);

/** x when v is Unsqueeze(x, [0]): a gradient arriving through the model's Squeeze of Y_h is one, and squeezing it
 *  again would be two nodes that copy nothing but still cost their dispatch. Here rather than in Ops.squeeze: in a
 *  forward pass such an Unsqueeze can be a composite's output, which must stay the value its consumers read. */
function unsqueezed(v: Value): Value | null {
  const p = v.producer;
  const axes = p?.op === 'Unsqueeze' ? constInts(p.inputs[1]) : undefined;
  return axes?.length === 1 && axes[0] === 0 ? p!.inputs[0]! : null;
}
export const stateRows = (o: Ops, v: Value): Value => o.unsqueeze(o.transpose(v, [1, 0]), [0]);

/** Per-step hidden states [H, B] as the ops' Y [T, 1, B, H]. */
export function sequenceRows(o: Ops, hs: Value[]): Value {
  const H = hs[0]!.shape![0] as number;
  return o.reshape(o.transpose(stacked(o, hs), [0, 2, 1]), [hs.length, 1, -1, H]);
}

/** The ops' Y [T, 1, B, H] (or its gradient) as columns [T, H, B]. */
export const sequenceColumns = (o: Ops, Y: Value): Value => o.transpose(o.squeeze(Y, [1]), [0, 2, 1]);
