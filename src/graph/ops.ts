// Typed helpers over Graph.add: one method per op the project emits, each building its constant inputs
// (axes, shapes) as deduplicated constants. Bound to the graph the nodes go into, which may be a Loop/Scan body.
import { DTYPE_CODE, type DType } from '../onnx/dtype.ts';
import { Tensor } from '../onnx/tensor.ts';
import type { Graph } from './graph.ts';
import { attr, type Attrs } from './node.ts';
import type { Value } from './value.ts';

export class Ops {
  constructor(readonly g: Graph) {}

  private one(op: string, inputs: (Value | null)[], attrs: Attrs = {}, name?: string): Value {
    return this.g.add(op, inputs, attrs, name ? { names: [name] } : {})[0]!;
  }

  ints(values: number[]): Value {
    return this.g.constant(Tensor.int64([values.length], values));
  }

  scalar(v: number): Value {
    return this.g.constant(Tensor.float([], [v]));
  }

  floats(dims: number[], values: ArrayLike<number>): Value {
    return this.g.constant(Tensor.float(dims, values));
  }

  add(a: Value, b: Value, name?: string) { return this.one('Add', [a, b], {}, name); }
  sub(a: Value, b: Value, name?: string) { return this.one('Sub', [a, b], {}, name); }
  mul(a: Value, b: Value, name?: string) { return this.one('Mul', [a, b], {}, name); }
  div(a: Value, b: Value, name?: string) { return this.one('Div', [a, b], {}, name); }
  pow(a: Value, b: Value) { return this.one('Pow', [a, b]); }
  neg(a: Value) { return this.one('Neg', [a]); }
  sqrt(a: Value) { return this.one('Sqrt', [a]); }
  abs(a: Value) { return this.one('Abs', [a]); }
  sign(a: Value) { return this.one('Sign', [a]); }
  relu(a: Value, name?: string) { return this.one('Relu', [a], {}, name); }
  tanh(a: Value, name?: string) { return this.one('Tanh', [a], {}, name); }
  sigmoid(a: Value, name?: string) { return this.one('Sigmoid', [a], {}, name); }
  identity(a: Value, name?: string) { return this.one('Identity', [a], {}, name); }
  less(a: Value, b: Value) { return this.one('Less', [a, b]); }
  where(c: Value, a: Value, b: Value) { return this.one('Where', [c, a, b]); }
  cast(a: Value, to: DType) { return this.one('Cast', [a], { to: attr.int(DTYPE_CODE[to]) }); }
  matmul(a: Value, b: Value, name?: string) { return this.one('MatMul', [a, b], {}, name); }

  gemm(a: Value, b: Value, c: Value | null, o: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {}, name?: string) {
    const attrs: Attrs = {};
    if (o.transA) attrs.transA = attr.int(1);
    if (o.transB) attrs.transB = attr.int(1);
    if (o.alpha !== undefined) attrs.alpha = attr.float(o.alpha);
    if (o.beta !== undefined) attrs.beta = attr.float(o.beta);
    return this.one('Gemm', c ? [a, b, c] : [a, b], attrs, name);
  }

  transpose(a: Value, perm: number[]) { return this.one('Transpose', [a], { perm: attr.ints(perm) }); }
  reshape(a: Value, dims: number[]) { return this.one('Reshape', [a, this.ints(dims)]); }
  squeeze(a: Value, axes: number[], name?: string) { return this.one('Squeeze', [a, this.ints(axes)], {}, name); }
  unsqueeze(a: Value, axes: number[]) { return this.one('Unsqueeze', [a, this.ints(axes)]); }
  concat(xs: Value[], axis: number) { return this.one('Concat', xs, { axis: attr.int(axis) }); }
  gather(a: Value, indices: Value, axis = 0) { return this.one('Gather', [a, indices], { axis: attr.int(axis) }); }
  shape(a: Value, start?: number) { return this.one('Shape', [a], start ? { start: attr.int(start) } : {}); }

  /** v's dims as an int64 vector: a constant when they are fixed, else Shape(v) computed at run time. */
  dimsOf(v: Value): Value {
    return v.shape?.every((d) => typeof d === 'number') ? this.ints(v.shape as number[]) : this.shape(v);
  }

  /** float32 zeros shaped like v (a constant shape when v's shape is fixed). */
  zerosLike(v: Value): Value {
    return this.one('ConstantOfShape', [this.dimsOf(v)]);
  }
  expand(a: Value, shape: Value) { return this.one('Expand', [a, shape]); }

  slice(a: Value, starts: number[], ends: number[], axes: number[], steps?: number[]) {
    const inputs = [a, this.ints(starts), this.ints(ends), this.ints(axes)];
    if (steps) inputs.push(this.ints(steps));
    return this.one('Slice', inputs);
  }

  /** Slice whose bounds are values computed in the graph (a batch's rows inside a Loop). */
  sliceDynamic(a: Value, start: Value, end: Value, axes: number[]) {
    return this.one('Slice', [a, start, end, this.ints(axes)]);
  }

  split(a: Value, axis: number, sizes: number[]): Value[] {
    return this.g.add('Split', [a, this.ints(sizes)], { axis: attr.int(axis) });
  }

  reduceSum(a: Value, axes: number[], keepdims = false, name?: string) {
    return this.one('ReduceSum', [a, this.ints(axes)], { keepdims: attr.int(keepdims ? 1 : 0) }, name);
  }

  reduceMean(a: Value, axes: number[] | null, keepdims = false, name?: string) {
    return this.one('ReduceMean', axes ? [a, this.ints(axes)] : [a], { keepdims: attr.int(keepdims ? 1 : 0) }, name);
  }
}
