// Ops that move elements without arithmetic: their gradients move GO back the other way.
import { attr } from '../../graph/node.ts';
import type { Value } from '../../graph/value.ts';
import { defineGrad } from '../registry.ts';

const axesOf = (v: Value | null) => v?.constValue?.numbers();

defineGrad('Transpose', ({ o, node, I, GO }) => {
  // Without perm, Transpose reverses the axes.
  const perm = node.ints('perm') ?? Array.from({ length: I(0).rank }, (_, i) => I(0).rank - 1 - i);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [o.transpose(GO(0)!, inverse)];
});

defineGrad('Reshape', ({ o, I, GO }) => {
  const x = I(0);
  const dims = x.shape?.every((d) => typeof d === 'number') ? (x.shape as number[]) : null;
  return [o.g.add('Reshape', [GO(0)!, dims ? o.ints(dims) : o.shape(x)], {})[0]!, null];
});

defineGrad('Squeeze', ({ o, node, I, GO }) => {
  const axes = axesOf(node.inputs[1] ?? null);
  if (!axes) throw new Error('Squeeze gradient: axes must be constant');
  const r = I(0).rank;
  return [o.unsqueeze(GO(0)!, axes.map((a) => (a < 0 ? a + r : a))), null];
});

defineGrad('Unsqueeze', ({ o, node, O, GO }) => {
  const axes = axesOf(node.inputs[1] ?? null);
  if (!axes) throw new Error('Unsqueeze gradient: axes must be constant');
  const r = O(0).rank;
  return [o.squeeze(GO(0)!, axes.map((a) => (a < 0 ? a + r : a))), null];
});

defineGrad('Concat', ({ o, node, I, GO, needs }) => {
  const x = I(0);
  const axis = ((a) => (a < 0 ? a + x.rank : a))(node.int('axis', 0));
  const sizes = node.inputs.map((v) => v!.shape?.[axis]);
  if (!sizes.every((d) => typeof d === 'number')) throw new Error('Concat gradient: sizes along the axis must be fixed');
  const parts = o.split(GO(0)!, axis, sizes as number[]);
  return parts.map((p, i) => (needs(i) ? p : null));
});

// Split's outputs that received no gradient contribute zeros of their own shape.
defineGrad('Split', ({ o, node, O, GO }) => {
  const axis = node.int('axis', 0);
  const parts = node.outputs.map((_, i) => GO(i) ?? o.zerosLike(O(i)));
  return [o.concat(parts, axis), ...node.inputs.slice(1).map(() => null)];
});


// Slice with constant bounds and unit steps: the gradient is GO padded with zeros back to the input's extent.
defineGrad('Slice', ({ o, node, I, GO }) => {
  const x = I(0);
  const starts = axesOf(node.inputs[1] ?? null), ends = axesOf(node.inputs[2] ?? null);
  const axes = axesOf(node.inputs[3] ?? null) ?? starts?.map((_, i) => i);
  const steps = axesOf(node.inputs[4] ?? null);
  if (!starts || !ends || !axes || (steps && steps.some((s) => s !== 1))) {
    throw new Error('Slice gradient: needs constant starts/ends/axes and unit steps');
  }
  const r = x.rank;
  const pads = new Array<number>(2 * r).fill(0);
  axes.forEach((a0, i) => {
    const a = a0 < 0 ? a0 + r : a0;
    const d = x.shape![a];
    if (typeof d !== 'number') throw new Error('Slice gradient: the sliced axis must have a fixed size');
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    const s = clamp(starts[i]!), e = clamp(ends[i]!);
    pads[a] = s;
    pads[r + a] = d - Math.max(e, s);
  });
  return [o.g.add('Pad', [GO(0)!, o.ints(pads)], { mode: attr.string('constant') })[0]!, ...node.inputs.slice(1).map(() => null)];
});

// Gather along axis 0 is a scatter-add of GO into zeros (repeated indices add up).
defineGrad('Gather', ({ o, node, I, GO }) => {
  if (node.int('axis', 0) !== 0) throw new Error('Gather gradient: only axis 0 is supported');
  const x = I(0);
  const zeros = o.zerosLike(x);
  const idx = o.unsqueeze(I(1), [-1 + (I(1).rank + 1)]);
  return [o.g.add('ScatterND', [zeros, idx, GO(0)!], { reduction: attr.string('add') }, { types: [{ dtype: x.dtype, shape: x.shape }] })[0]!, null];
});
