// Shape and type inference for every op the builder emits: one entry per op. Dims that depend on data are null.
import { codeName, dtypeFromCode, type DType } from '../onnx/dtype.ts';
import { constantNodeValue } from './constant-node.ts';
import type { Attrs } from './node.ts';
import { constInts, type Dim, type Shape, type Value } from './value.ts';

export type Out = { dtype: DType; shape: Shape | null };
type Rule = (inputs: readonly (Value | null)[], attrs: Attrs, count: number) => Out[];

const int = (attrs: Attrs, k: string, d: number) => (attrs[k]?.type === 'int' ? (attrs[k] as { value: number }).value : d);
const ints = (attrs: Attrs, k: string) => (attrs[k]?.type === 'ints' ? (attrs[k] as { value: number[] }).value : undefined);
/** When a shape input is Shape(v) (whole), the dims are v's: symbolic batch dims survive Expand/Reshape. */
function shapeFrom(v: Value | null | undefined): Shape | null {
  const p = v?.producer;
  if (p && p.op === 'Shape' && !p.attrs.start && !p.attrs.end) return p.inputs[0]!.shape;
  return null;
}
const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function first(inputs: readonly (Value | null)[]): Value {
  const v = inputs[0];
  if (!v) throw new Error('missing first input');
  return v;
}

export function broadcast(...shapes: (Shape | null)[]): Shape | null {
  if (shapes.some((s) => s === null)) return null;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes as Shape[]) {
      const e = s[s.length - rank + i];
      if (e === undefined || e === 1) continue;
      if (d === 1) d = e;
      else if (d !== e) {
        if (typeof d === 'number' && typeof e === 'number') throw new Error(`cannot broadcast shapes ${JSON.stringify(shapes)}`);
        d = typeof d === 'number' ? d : typeof e === 'number' ? e : null;
      }
    }
    out.push(d);
  }
  return out;
}

const same: Rule = (inp) => [{ dtype: first(inp).dtype, shape: first(inp).shape }];
const elementwise: Rule = (inp) => [{ dtype: first(inp).dtype, shape: broadcast(...inp.map((v) => v!.shape)) }];
const compare: Rule = (inp) => [{ dtype: 'bool', shape: broadcast(...inp.map((v) => v!.shape)) }];

function matmulShape(a: Shape | null, b: Shape | null): Shape | null {
  if (!a || !b) return null;
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const batch = broadcast(a2.slice(0, -2), b2.slice(0, -2));
  const out = [...(batch ?? []), a2[a2.length - 2]!, b2[b2.length - 1]!];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}

function reduce(inp: readonly (Value | null)[], attrs: Attrs): Out[] {
  const x = first(inp);
  if (!x.shape) return [{ dtype: x.dtype, shape: null }];
  const axesIn = constInts(inp[1]) ?? ints(attrs, 'axes');
  const keep = int(attrs, 'keepdims', 1) === 1;
  // No axes, or an empty list, reduce every axis (unless noop_with_empty_axes makes the empty list a no-op).
  const all = !axesIn || (axesIn.length === 0 && int(attrs, 'noop_with_empty_axes', 0) === 0);
  const axes = new Set((all ? x.shape.map((_, i) => i) : axesIn).map((a) => norm(a, x.rank)));
  const shape: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.has(i)) shape.push(d);
    else if (keep) shape.push(1);
  });
  return [{ dtype: x.dtype, shape }];
}

function reshape(inp: readonly (Value | null)[], attrs: Attrs): Out[] {
  const x = first(inp);
  const target = constInts(inp[1]);
  if (!target) return [{ dtype: x.dtype, shape: shapeFrom(inp[1]) }];
  // allowzero: a 0 in the target is a zero-sized dim, not "copy the input's".
  const copy = int(attrs, 'allowzero', 0) === 0;
  const shape: Dim[] = target.map((d, i) => (d === 0 && copy ? x.shape?.[i] ?? null : d === -1 ? null : d));
  const minus = target.indexOf(-1);
  if (minus >= 0 && x.shape) shape[minus] = quotient(x.shape, shape.filter((_, i) => i !== minus));
  return [{ dtype: x.dtype, shape }];
}

function slice(inp: readonly (Value | null)[]): Out[] {
  const x = first(inp);
  const starts = constInts(inp[1]);
  const ends = constInts(inp[2]);
  const axes = constInts(inp[3]) ?? starts?.map((_, i) => i);
  if (!x.shape || !starts || !ends) {
    // Bounds computed in the graph: only the sliced axes lose their size.
    const cut = axes ? new Set(axes.map((a) => norm(a, x.rank))) : null;
    return [{ dtype: x.dtype, shape: x.shape ? x.shape.map((d, i) => (!cut || cut.has(i) ? null : d)) : null }];
  }
  const steps = constInts(inp[4]) ?? starts.map(() => 1);
  const shape = [...x.shape];
  axes!.forEach((a0, i) => {
    const a = norm(a0, x.rank);
    const d = x.shape![a];
    if (typeof d !== 'number') return void (shape[a] = null);
    const step = steps[i]!;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    // ONNX: starts clamp to [0, d] and ends to [0, d] for positive steps; [0, d-1] and [-1, d-1] for negative.
    const s = step > 0 ? clamp(starts[i]!, 0, d) : clamp(starts[i]!, 0, d - 1);
    const e = step > 0 ? clamp(ends[i]!, 0, d) : clamp(ends[i]!, -1, d - 1);
    shape[a] = Math.max(0, Math.ceil((e - s) / step));
  });
  return [{ dtype: x.dtype, shape }];
}

export interface ConvGeometry {
  /** Begin pads of every spatial axis, then end pads (ONNX's order), with auto_pad resolved. */
  pads: number[];
  strides: number[];
  dilations: number[];
  /** Output sizes of the spatial axes (null where the input's is not fixed). */
  out: Dim[];
}

/** Conv's spatial arithmetic: out = ⌊(in + pad_begin + pad_end - ((k-1)·dilation + 1)) / stride⌋ + 1, with auto_pad's
 *  SAME_UPPER/SAME_LOWER pads worked out from fixed input sizes (SAME_UPPER puts the odd one at the end). */
export function convGeometry(attrs: Attrs, spatial: readonly Dim[], kernel: readonly number[]): ConvGeometry {
  const S = kernel.length;
  const strides = ints(attrs, 'strides') ?? new Array<number>(S).fill(1);
  const dilations = ints(attrs, 'dilations') ?? new Array<number>(S).fill(1);
  const autoPad = attrs.auto_pad?.type === 'string' ? attrs.auto_pad.value : 'NOTSET';
  const span = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  let pads = ints(attrs, 'pads') ?? new Array<number>(2 * S).fill(0);
  if (autoPad === 'VALID') pads = new Array<number>(2 * S).fill(0);
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    if (!spatial.every((d) => typeof d === 'number')) throw new Error(`Conv with auto_pad ${autoPad} needs fixed spatial sizes`);
    const total = spatial.map((d, i) => Math.max(0, (Math.ceil((d as number) / strides[i]!) - 1) * strides[i]! + span[i]! - (d as number)));
    const begin = total.map((t) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    pads = [...begin, ...total.map((t, i) => t - begin[i]!)];
  } else if (autoPad !== 'NOTSET') throw new Error(`Conv: unknown auto_pad ${autoPad}`);
  const out = spatial.map((d, i) => (typeof d === 'number' ? Math.floor((d + pads[i]! + pads[S + i]! - span[i]!) / strides[i]!) + 1 : null));
  return { pads, strides, dilations, out };
}

/** The kernel's spatial sizes: the attribute, else the weights' fixed dims. */
function kernelOf(w: Value | null, attrs: Attrs): number[] {
  const k = ints(attrs, 'kernel_shape') ?? w?.shape?.slice(2);
  if (!k || !k.every((d) => typeof d === 'number')) throw new Error('Conv needs a fixed kernel shape');
  return k as number[];
}

const rules: Record<string, Rule> = {
  Identity: same, Relu: same, Tanh: same, Sigmoid: same, Neg: same, Sqrt: same, Exp: same, Log: same, Abs: same,
  Reciprocal: same, Sign: same, LeakyRelu: same, Elu: same, Gelu: same, Softplus: same, Erf: same,
  Selu: same, HardSigmoid: same, Softmax: same, LogSoftmax: same,
  // Dropout's optional second output is its mask.
  Dropout: (inp, _attrs, count) => [{ dtype: first(inp).dtype, shape: first(inp).shape }, { dtype: 'bool' as DType, shape: first(inp).shape }].slice(0, Math.max(1, count)),
  Flatten: (inp, attrs) => {
    const x = first(inp);
    if (!x.shape) return [{ dtype: x.dtype, shape: [null, null] }];
    const axis = norm(int(attrs, 'axis', 1), x.rank);
    return [{ dtype: x.dtype, shape: [quotient(x.shape.slice(0, axis)), quotient(x.shape.slice(axis))] }];
  },
  // The value as a tensor, or as one of the attribute forms exporters also write (value_float, value_ints, …).
  Constant: (_inp, attrs) => {
    const t = constantNodeValue(attrs);
    return [{ dtype: t.dtype, shape: t.dims }];
  },
  Range: (inp) => {
    const [s, l, d] = inp.map((v) => v?.constValue?.numbers()[0]);
    const n = s !== undefined && l !== undefined && d !== undefined ? Math.max(0, Math.ceil((l - s) / d)) : null;
    return [{ dtype: first(inp).dtype, shape: [n] }];
  },
  ScatterND: same,
  Add: elementwise, Sub: elementwise, Mul: elementwise, Div: elementwise, Pow: (inp) => [{ dtype: first(inp).dtype, shape: broadcast(first(inp).shape, inp[1]!.shape) }],
  Max: elementwise, Min: elementwise, Sum: elementwise,
  Greater: compare, Less: compare, Equal: compare,
  Where: (inp) => [{ dtype: inp[1]!.dtype, shape: broadcast(...inp.map((v) => v!.shape)) }],
  Cast: (inp, attrs) => {
    const to = int(attrs, 'to', 1);
    const dtype = dtypeFromCode(to);
    if (!dtype) throw new Error(`Cast to ${codeName(to)} is not supported`);
    return [{ dtype, shape: first(inp).shape }];
  },
  MatMul: (inp) => [{ dtype: first(inp).dtype, shape: matmulShape(first(inp).shape, inp[1]!.shape) }],
  Gemm: (inp, attrs) => {
    const a = first(inp).shape, b = inp[1]!.shape;
    const m = a ? (int(attrs, 'transA', 0) ? a[1]! : a[0]!) : null;
    const n = b ? (int(attrs, 'transB', 0) ? b[0]! : b[1]!) : null;
    return [{ dtype: first(inp).dtype, shape: [m, n] }];
  },
  Transpose: (inp, attrs) => {
    const x = first(inp);
    if (!x.shape) return [{ dtype: x.dtype, shape: null }];
    const perm = ints(attrs, 'perm') ?? x.shape.map((_, i) => x.rank - 1 - i);
    return [{ dtype: x.dtype, shape: perm.map((p) => x.shape![p]!) }];
  },
  Reshape: reshape,
  Squeeze: (inp) => {
    const x = first(inp);
    const axes = constInts(inp[1]);
    if (!x.shape || (inp[1] && !axes)) return [{ dtype: x.dtype, shape: null }];
    // Without axes every axis of size 1 goes: known only when no dim is symbolic.
    if (!axes && x.shape.some((d) => typeof d !== 'number')) return [{ dtype: x.dtype, shape: null }];
    const drop = new Set(axes ? axes.map((a) => norm(a, x.rank)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
    return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !drop.has(i)) }];
  },
  Unsqueeze: (inp) => {
    const x = first(inp);
    const axes = constInts(inp[1]);
    if (!x.shape || !axes) return [{ dtype: x.dtype, shape: null }];
    const rank = x.rank + axes.length;
    const add = new Set(axes.map((a) => norm(a, rank)));
    const shape: Dim[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) shape.push(add.has(i) ? 1 : x.shape[j++]!);
    return [{ dtype: x.dtype, shape }];
  },
  // The inputs share every dim but the axis: one input of known shape gives them all (an imported graph may know
  // only some, e.g. an initial state computed at run time beside known steps).
  Concat: (inp, attrs) => {
    const x = first(inp);
    const shapes = inp.map((v) => v!.shape);
    const rank = shapes.find((sh) => sh)?.length;
    if (rank === undefined) return [{ dtype: x.dtype, shape: null }];
    const axis = norm(int(attrs, 'axis', 0), rank);
    const shape = Array.from({ length: rank }, (_, i): Dim => {
      if (i !== axis) return shapes.map((sh) => sh?.[i] ?? null).find((d) => d !== null) ?? null;
      return shapes.reduce<Dim>((total, sh) => (typeof total === 'number' && typeof sh?.[i] === 'number' ? total + (sh[i] as number) : null), 0);
    });
    return [{ dtype: x.dtype, shape }];
  },
  Split: (inp, attrs, count) => {
    const x = first(inp);
    const sizes = constInts(inp[1]);
    const n = sizes ? sizes.length : int(attrs, 'num_outputs', count);
    return Array.from({ length: n }, (_, i) => {
      if (!x.shape) return { dtype: x.dtype, shape: null };
      const axis = norm(int(attrs, 'axis', 0), x.rank);
      const shape = [...x.shape];
      const d = x.shape[axis];
      // Equal parts of ceil(d/n), the last one smaller when n does not divide d (opset 18).
      const part = typeof d === 'number' ? Math.ceil(d / n) : null;
      shape[axis] = sizes ? sizes[i]! : part === null ? null : Math.min(part, (d as number) - part * i);
      return { dtype: x.dtype, shape };
    });
  },
  Slice: slice,
  Gather: (inp, attrs) => {
    const x = first(inp), idx = inp[1]!;
    if (!x.shape || !idx.shape) return [{ dtype: x.dtype, shape: null }];
    const axis = norm(int(attrs, 'axis', 0), x.rank);
    return [{ dtype: x.dtype, shape: [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)] }];
  },
  ReduceSum: reduce, ReduceMean: reduce, ReduceMax: reduce,
  Shape: (inp, attrs) => {
    const r = first(inp).shape?.length;
    if (r === undefined) return [{ dtype: 'int64', shape: [null] }];
    const start = norm(int(attrs, 'start', 0), r), end = norm(int(attrs, 'end', r), r);
    return [{ dtype: 'int64', shape: [Math.max(0, Math.min(end, r) - start)] }];
  },
  Pad: (inp) => {
    const x = first(inp), pads = constInts(inp[1]);
    if (!x.shape || !pads) return [{ dtype: x.dtype, shape: x.shape ? x.shape.map(() => null) : null }];
    const r = x.rank;
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => (typeof d === 'number' ? d + pads[i]! + pads[r + i]! : null)) }];
  },
  Size: () => [{ dtype: 'int64', shape: [] }],
  // A target computed at run time still has a known length: the rank, and x's dims other than 1, are known.
  Expand: (inp) => {
    const x = first(inp);
    const n = inp[1]!.shape?.[0];
    const target = constInts(inp[1]) ?? shapeFrom(inp[1]) ?? (typeof n === 'number' ? new Array<Dim>(n).fill(null) : null);
    return [{ dtype: x.dtype, shape: broadcast(x.shape, target) }];
  },
  ConstantOfShape: (inp, attrs) => {
    const dims = constInts(inp[0]);
    const value = attrs.value;
    const dtype: DType = value?.type === 'tensor' ? value.value.dtype : 'float32';
    return [{ dtype, shape: dims ?? shapeFrom(inp[0]) ?? (inp[0]!.shape?.[0] != null ? Array(inp[0]!.shape![0] as number).fill(null) : null) }];
  },
  If: (_inp, attrs) => graphOutputs(attrs.then_branch),
  Loop: (inp, attrs) => {
    // Body outputs: cond, the N carried values, then the per-iteration values the Loop stacks.
    const carried = inp.length - 2;
    return graphOutputs(attrs.body).slice(1).map((o, k) => (k < carried ? o : { dtype: o.dtype, shape: o.shape ? [null, ...o.shape] : null }));
  },
  Scan: (inp, attrs) => {
    const states = inp.length - int(attrs, 'num_scan_inputs', 0);
    const axes = ints(attrs, 'scan_output_axes');
    const inAxis = ints(attrs, 'scan_input_axes')?.[0] ?? 0;
    const seq = inp[states]?.shape?.[norm(inAxis, inp[states]!.rank)] ?? null;
    return graphOutputs(attrs.body).map((o, k) => {
      if (k < states || !o.shape) return k < states ? o : { dtype: o.dtype, shape: null };
      const at = norm(axes?.[k - states] ?? 0, o.shape.length + 1);
      return { dtype: o.dtype, shape: [...o.shape.slice(0, at), seq, ...o.shape.slice(at)] };
    });
  },
  Conv: (inp, attrs) => {
    const x = first(inp), w = inp[1]!;
    if (!x.shape) return [{ dtype: x.dtype, shape: null }];
    const { out } = convGeometry(attrs, x.shape.slice(2), kernelOf(w, attrs));
    return [{ dtype: x.dtype, shape: [x.shape[0]!, w.shape?.[0] ?? null, ...out] }];
  },
  // out = stride·(in - 1) + output_padding + (k-1)·dilation + 1 - pad_begin - pad_end; weights [C_in, C_out/group, k…].
  ConvTranspose: (inp, attrs) => {
    const x = first(inp), w = inp[1]!;
    if (!x.shape) return [{ dtype: x.dtype, shape: null }];
    const k = kernelOf(w, attrs), S = k.length;
    const { pads, strides, dilations } = convGeometry({ ...attrs, auto_pad: { type: 'string', value: 'NOTSET' } }, x.shape.slice(2), k);
    const extra = ints(attrs, 'output_padding') ?? new Array<number>(S).fill(0);
    const out = x.shape.slice(2).map((d, i) => (typeof d === 'number'
      ? strides[i]! * (d - 1) + extra[i]! + (k[i]! - 1) * dilations[i]! + 1 - pads[i]! - pads[S + i]! : null));
    const m = w.shape?.[1];
    return [{ dtype: x.dtype, shape: [x.shape[0]!, typeof m === 'number' ? m * int(attrs, 'group', 1) : null, ...out] }];
  },
  LSTM: recurrent, GRU: recurrent, RNN: recurrent,
};

/** LSTM, GRU and RNN: Y [T, directions, B, H], then Y_h (and the LSTM's Y_c) [directions, B, H]; layout 1 puts
 *  the batch first: Y [B, T, directions, H], states [B, directions, H]. */
function recurrent(inp: readonly (Value | null)[], attrs: Attrs, count: number): Out[] {
  const x = first(inp);
  const h = int(attrs, 'hidden_size', 0);
  const dirs = attrs.direction?.type === 'string' && attrs.direction.value === 'bidirectional' ? 2 : 1;
  const batchFirst = int(attrs, 'layout', 0) === 1;
  const [a, b] = x.shape ?? [null, null];
  const [t, n] = batchFirst ? [b!, a!] : [a!, b!];
  const y: Out = { dtype: x.dtype, shape: batchFirst ? [n, t, dirs, h] : [t, dirs, n, h] };
  const state: Out = { dtype: x.dtype, shape: batchFirst ? [n, dirs, h] : [dirs, n, h] };
  return [y, state, state].slice(0, Math.max(1, count));
}

/** The product of `dims` divided by that of `by`, symbols included: a number, or the one symbol left once the
 *  others cancel ([8, 'batch', 1, 6] by [8, 6] is 'batch'); null when it cannot be told. */
function quotient(dims: Shape, by: Shape = []): Dim {
  const symbols: string[] = [];
  let num = 1, den = 1;
  for (const d of dims) {
    if (d === null) return null;
    if (typeof d === 'number') num *= d;
    else symbols.push(d);
  }
  for (const d of by) {
    if (d === null) return null;
    if (typeof d === 'number') den *= d;
    else if (symbols.includes(d)) symbols.splice(symbols.indexOf(d), 1);
    else return null;
  }
  if (symbols.length === 0) return den > 0 && num % den === 0 ? num / den : null;
  return symbols.length === 1 && num === den ? symbols[0]! : null;
}

function graphOutputs(a: Attrs[string] | undefined): Out[] {
  if (a?.type !== 'graph') throw new Error('a control-flow op needs its subgraph');
  return a.value.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape }));
}

/** An inferred type, with dims known from elsewhere (a model's declarations, an earlier inference) filled in where
 *  inference could not tell them: a dim computed at run time. */
export function refine(t: Out, known: Out | undefined): Out {
  if (!known?.shape || known.dtype !== t.dtype) return t;
  if (!t.shape) return { dtype: t.dtype, shape: known.shape };
  if (t.shape.length !== known.shape.length) return t;
  return { dtype: t.dtype, shape: t.shape.map((d, i): Dim => d ?? known.shape![i]!) };
}

/** Whether inferShapes knows `op`. */
export function canInfer(op: string): boolean {
  return Object.hasOwn(rules, op);
}

export function inferShapes(op: string, inputs: readonly (Value | null)[], attrs: Attrs, count: number): Out[] {
  const rule = canInfer(op) ? rules[op] : undefined;
  if (!rule) throw new Error(`no shape inference for op ${op}: give output types explicitly`);
  return rule(inputs, attrs, count);
}
