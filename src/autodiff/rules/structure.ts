// Ops that move elements without arithmetic: their gradients are the linear maps' transposes, moving GO back the
// other way (Transpose ↔ inverse Transpose, Reshape/Flatten/Squeeze/Unsqueeze ↔ Reshape back, Concat ↔ Split,
// Slice ↔ Pad or scatter, Gather ↔ scatter-add, Expand ↔ ReduceSum).
import { attr } from '../../graph/node.ts';
import type { Ops } from '../../graph/ops.ts';
import { constInts, type Value } from '../../graph/value.ts';
import { Tensor } from '../../onnx/tensor.ts';
import { defineGrad } from '../registry.ts';
import { unbroadcast } from '../unbroadcast.ts';

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** GO back in x's shape: the gradient of every op that only changes how the elements are indexed. */
const reshapeLike = (o: Ops, g: Value, x: Value) => o.g.add('Reshape', [g, o.dimsOf(x)], {})[0]!;

defineGrad('Transpose', ({ o, node, I, GO }) => {
  // Without perm, Transpose reverses the axes.
  const perm = node.ints('perm') ?? Array.from({ length: I(0).rank }, (_, i) => I(0).rank - 1 - i);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [o.transpose(GO(0)!, inverse)];
});

defineGrad('Reshape', ({ o, I, GO }) => [reshapeLike(o, GO(0)!, I(0)), null]);

defineGrad('Flatten', ({ o, I, GO }) => [reshapeLike(o, GO(0)!, I(0))]);

defineGrad('Squeeze', ({ o, node, I, GO }) => {
  // Without axes, every axis of size 1 was dropped: which ones is known from x's shape at run time.
  const axes = constInts(node.inputs[1] ?? null);
  if (node.inputs[1] && !axes) throw new Error(`Squeeze gradient (node ${node.name}): axes must be constant`);
  if (!axes) return [reshapeLike(o, GO(0)!, I(0))];
  return [o.unsqueeze(GO(0)!, axes.map((a) => norm(a, I(0).rank))), null];
});

defineGrad('Unsqueeze', ({ o, node, O, GO }) => {
  const axes = constInts(node.inputs[1] ?? null);
  if (!axes) throw new Error(`Unsqueeze gradient (node ${node.name}): axes must be constant`);
  return [o.squeeze(GO(0)!, axes.map((a) => norm(a, O(0).rank))), null];
});

defineGrad('Expand', ({ o, I, GO, needs }) => [needs(0) ? unbroadcast(o, GO(0)!, I(0)) : null, null]);

defineGrad('Concat', ({ o, node, I, GO, needs }) => {
  const axis = norm(node.int('axis', 0), I(0).rank);
  const sizes = node.inputs.map((v) => v!.shape?.[axis]);
  if (!sizes.every((d) => typeof d === 'number')) throw new Error(`Concat gradient (node ${node.name}): sizes along the axis must be fixed`);
  const parts = o.split(GO(0)!, axis, sizes as number[]);
  return parts.map((p, i) => (needs(i) ? p : null));
});

// Split (sizes as an input, or opset 18's num_outputs): outputs that received no gradient contribute zeros.
defineGrad('Split', ({ o, node, O, GO }) => {
  const axis = node.int('axis', 0);
  const parts = node.outputs.map((_, i) => GO(i) ?? o.zerosLike(O(i)));
  return [o.concat(parts, axis), ...node.inputs.slice(1).map(() => null)];
});

/** The transpose of Gather(x, indices, axis): the slices of `grad` added into zeros of shape `dims` (x's shape, as
 *  a value) at their indices along `axis`. Repeated indices add up (ScatterND with reduction 'add', opset 16+);
 *  negative indices count from the end, as Gather's do. */
function scatterAdd(o: Ops, grad: Value, indices: Value, axis: number, rank: number, dims: Value, size: number | null): Value {
  let idx = indices, g = grad;
  if (idx.rank === 0) {
    idx = o.unsqueeze(idx, [0]);
    g = o.unsqueeze(g, [axis]);
  }
  const known = constInts(idx);
  if (known && size !== null) {
    if (known.some((i) => i < 0)) idx = o.g.constant(Tensor.int64(idx.shape as number[], known.map((i) => (i < 0 ? i + size : i))));
  } else {
    const n = o.gather(dims, o.g.constant(Tensor.int64([], [axis])));
    idx = o.where(o.less(idx, o.g.constant(Tensor.int64([], [0]))), o.add(idx, n), idx);
  }
  const q = idx.rank;
  // ScatterND writes along the leading axis: move `axis` to the front of the zeros, and the index dims of grad there.
  const permX = [axis, ...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis)];
  const permG = [...Array.from({ length: q }, (_, i) => axis + i), ...Array.from({ length: axis }, (_, i) => i),
    ...Array.from({ length: rank - 1 - axis }, (_, i) => axis + q + i)];
  const moved = (p: number[], v: Value) => (p.every((a, i) => a === i) ? v : o.transpose(v, p));
  const zerosDims = dims.constValue ? o.ints(permX.map((a) => dims.constValue!.numbers()[a]!)) : o.gather(dims, o.ints(permX));
  const zeros = o.g.add('ConstantOfShape', [zerosDims], {})[0]!;
  const updates = moved(permG, g);
  const out = o.g.add('ScatterND', [zeros, o.unsqueeze(idx, [q]), updates], { reduction: attr.string('add') }, {
    types: [{ dtype: grad.dtype, shape: zeros.shape }],
  })[0]!;
  return moved(permX.map((_, i) => permX.indexOf(i)), out);
}

/** GO put back at rows [start, start + count) of an axis of size d, zeros elsewhere: the gradient of a contiguous read. */
function padAlong(o: Ops, g: Value, axis: number, start: number, count: number, d: number): Value {
  const r = g.rank;
  const pads = new Array<number>(2 * r).fill(0);
  pads[axis] = start;
  pads[r + axis] = d - start - count;
  return pads.some((p) => p !== 0) ? o.g.add('Pad', [g, o.ints(pads)], { mode: attr.string('constant') })[0]! : g;
}

// A constant scalar index or a run of consecutive ones (x[:, -1, :] as exporters write it) reads a contiguous block:
// its gradient is a Pad. Any other indices are scattered back.
defineGrad('Gather', ({ o, node, I, GO, needs }) => {
  if (!needs(0)) return [null, null];
  const x = I(0), idx = I(1);
  const axis = norm(node.int('axis', 0), x.rank);
  const d = x.shape?.[axis];
  const size = typeof d === 'number' ? d : null;
  const known = constInts(idx)?.map((i) => (size !== null && i < 0 ? i + size : i));
  if (size !== null && known?.length && idx.rank <= 1 && known.every((i, k) => i === known[0]! + k && i >= 0 && i < size)) {
    return [padAlong(o, idx.rank === 0 ? o.unsqueeze(GO(0)!, [axis]) : GO(0)!, axis, known[0]!, known.length, size), null];
  }
  return [scatterAdd(o, GO(0)!, idx, axis, x.rank, o.dimsOf(x), size), null];
});

/** Slice: along unit-step axes GO is padded back with zeros (one Pad for all of them); along strided or reversed
 *  ones its slices are scattered to the positions they were read from. Bounds must be constant and the sliced axes
 *  fixed in size; the others (a batch) may be symbolic. */
defineGrad('Slice', ({ o, node, I, GO }) => {
  const x = I(0);
  const r = x.rank;
  const starts = constInts(node.inputs[1] ?? null), ends = constInts(node.inputs[2] ?? null);
  const axes = constInts(node.inputs[3] ?? null) ?? starts?.map((_, i) => i);
  const stepsIn = node.inputs[4] ? constInts(node.inputs[4]) : starts?.map(() => 1);
  if (!starts || !ends || !axes || !stepsIn) throw new Error(`Slice gradient (node ${node.name}): starts, ends, axes and steps must be constant`);
  const cut = axes.map((a0, i) => {
    const a = norm(a0, r);
    const d = x.shape![a];
    if (typeof d !== 'number') throw new Error(`Slice gradient (node ${node.name}): the sliced axis ${a} must have a fixed size`);
    const step = stepsIn[i]!;
    // ONNX clamps starts to [0, d] and ends to [0, d] for positive steps, to [0, d-1] and [-1, d-1] for negative.
    const fix = (v: number) => (v < 0 ? v + d : v);
    const hi = step > 0 ? d : d - 1;
    const s = Math.min(Math.max(fix(starts[i]!), 0), hi);
    const e = Math.min(Math.max(fix(ends[i]!), step > 0 ? 0 : -1), hi);
    const count = Math.max(0, Math.ceil((e - s) / step));
    return { a, d, step, s, count };
  });
  // The current extent of every sliced axis: the slice's count until that axis is scattered back, then d.
  const extent = new Map(cut.map((c) => [c.a, c.count]));
  const fixedX = x.shape!.every((d) => typeof d === 'number');
  let g = GO(0)!;
  for (const c of cut.filter((c) => c.step !== 1)) {
    extent.set(c.a, c.d);
    const current = x.shape!.map((d, i) => extent.get(i) ?? d);
    // Symbolic dims (never sliced) come from x at run time, the sliced ones from the extents.
    const dims = fixedX ? o.ints(current as number[]) : o.where(
      o.g.constant(new Tensor('bool', [r], Uint8Array.from(current, (_, i) => +extent.has(i)))),
      o.ints(current.map((d) => (typeof d === 'number' ? d : 0))),
      o.shape(x),
    );
    const positions = Array.from({ length: c.count }, (_, j) => c.s + j * c.step);
    g = scatterAdd(o, g, o.g.constant(Tensor.int64([c.count], positions)), c.a, r, dims, c.d);
  }
  const pads = new Array<number>(2 * r).fill(0);
  for (const c of cut.filter((c) => c.step === 1)) {
    pads[c.a] = c.s;
    pads[r + c.a] = c.d - c.s - c.count;
  }
  if (pads.some((p) => p !== 0)) g = o.g.add('Pad', [g, o.ints(pads)], { mode: attr.string('constant') })[0]!;
  return [g, ...node.inputs.slice(1).map(() => null)];
});
