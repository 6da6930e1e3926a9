// Shape and type inference (src/graph/shape.ts), op by op: each case states the inferred shapes, symbolic dims
// included, and then runs the node in onnxruntime-node with the symbols bound to sizes, where every inferred dim
// must agree with the real output (a fixed dim equal, a symbol equal to its binding, null meaning unknown).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Graph } from '../../src/graph/graph.ts';
import { attr, type Attrs } from '../../src/graph/node.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Shape, Value } from '../../src/graph/value.ts';
import type { DType } from '../../src/onnx/dtype.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';

/** Sizes the symbols take when a case runs in ONNX Runtime. */
const BIND: Record<string, number> = { batch: 3, time: 4 };

type In =
  | { shape: Shape; dtype?: DType } // a graph input
  | { value: Tensor } // a constant
  | { from: (o: Ops, aux: Value[]) => Value }; // computed in the graph from the case's auxiliary inputs
interface Case {
  op: string;
  inputs: (In | null)[];
  /** Graph inputs that are not inputs of the op, for `from` inputs to compute with. */
  aux?: Shape[];
  attrs?: Attrs;
  count?: number;
  expect: (Shape | null)[];
  dtype?: DType;
  /** Overrides BIND for this case (a symbol the case resolves to a fixed size must take that size). */
  bind?: Record<string, number>;
  /** The opset the case runs at, for ops newer than the project's (Gelu: 20). */
  opset?: number;
}

const ints = (v: number[]) => ({ value: Tensor.int64([v.length], v) });
const x = (...shape: Shape): In => ({ shape });
const cases: Record<string, Case> = {};
const add = (name: string, c: Case) => (cases[name] = c);

for (const op of ['Identity', 'Relu', 'Tanh', 'Sigmoid', 'Neg', 'Sqrt', 'Exp', 'Log', 'Abs', 'Reciprocal', 'Sign', 'LeakyRelu', 'Elu', 'Softplus', 'Erf', 'Dropout']) {
  add(`${op} keeps the shape`, { op, inputs: [x('batch', 3)], expect: [['batch', 3]] });
}
for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min']) {
  add(`${op} [batch,1] with [1,4]`, { op, inputs: [x('batch', 1), x(1, 4)], expect: [['batch', 4]] });
}
add('Add of a scalar and [batch,2]', { op: 'Add', inputs: [x(), x('batch', 2)], expect: [['batch', 2]] });
add('Add [3] with [2,3]: a missing leading axis', { op: 'Add', inputs: [x(3), x(2, 3)], expect: [[2, 3]] });
add('Add [batch,3] with [5,3]: the symbol meets a fixed size', { op: 'Add', inputs: [x('batch', 3), x(5, 3)], expect: [[5, 3]], bind: { batch: 5 } });
add('Add [batch,3] with [time,3]: two symbols give an unknown dim', { op: 'Add', inputs: [x('batch', 3), x('time', 3)], expect: [[null, 3]], bind: { batch: 2, time: 2 } });
add('Pow [2,3] by a scalar', { op: 'Pow', inputs: [x(2, 3), x()], expect: [[2, 3]] });
add('Sum of three broadcast inputs', { op: 'Sum', inputs: [x('batch', 1), x(1, 4), x(4)], expect: [['batch', 4]] });
for (const op of ['Greater', 'Less', 'Equal']) {
  add(`${op} gives bool`, { op, inputs: [x('batch', 3), x(3)], expect: [['batch', 3]], dtype: 'bool' });
}
add('Where broadcasts all three and takes the branches\' type', {
  op: 'Where', inputs: [{ shape: [1, 3], dtype: 'bool' }, x('batch', 1), x()], expect: [['batch', 3]], dtype: 'float32',
});
add('Cast to int64', { op: 'Cast', inputs: [x('batch', 2)], attrs: { to: attr.int(7) }, expect: [['batch', 2]], dtype: 'int64' });
add('Cast to bool', { op: 'Cast', inputs: [x(2)], attrs: { to: attr.int(9) }, expect: [[2]], dtype: 'bool' });

add('MatMul 2D', { op: 'MatMul', inputs: [x(2, 3), x(3, 4)], expect: [[2, 4]] });
add('MatMul batched 3D x 2D', { op: 'MatMul', inputs: [x('batch', 3, 4), x(4, 5)], expect: [['batch', 3, 5]] });
add('MatMul with batch broadcasting', { op: 'MatMul', inputs: [x(2, 1, 3, 4), x(5, 4, 2)], expect: [[2, 5, 3, 2]] });
add('MatMul 1D x 2D', { op: 'MatMul', inputs: [x(3), x(3, 4)], expect: [[4]] });
add('MatMul 2D x 1D', { op: 'MatMul', inputs: [x(2, 3), x(3)], expect: [[2]] });
add('MatMul 1D x 1D', { op: 'MatMul', inputs: [x(3), x(3)], expect: [[]] });
add('Gemm plain', { op: 'Gemm', inputs: [x('batch', 4), x(4, 5), x(5)], expect: [['batch', 5]] });
add('Gemm transB', { op: 'Gemm', inputs: [x('batch', 4), x(5, 4)], attrs: { transB: attr.int(1) }, expect: [['batch', 5]] });
add('Gemm transA', { op: 'Gemm', inputs: [x(4, 'batch'), x(4, 5)], attrs: { transA: attr.int(1) }, expect: [['batch', 5]] });
add('Gemm transA transB', { op: 'Gemm', inputs: [x(4, 2), x(5, 4)], attrs: { transA: attr.int(1), transB: attr.int(1) }, expect: [[2, 5]] });

add('Transpose by perm', { op: 'Transpose', inputs: [x('batch', 3, 4)], attrs: { perm: attr.ints([2, 0, 1]) }, expect: [[4, 'batch', 3]] });
add('Transpose without perm reverses', { op: 'Transpose', inputs: [x('batch', 3, 4)], expect: [[4, 3, 'batch']] });
add('Reshape to fixed dims with -1', { op: 'Reshape', inputs: [x(2, 3, 4), ints([2, -1])], expect: [[2, 12]] });
add('Reshape [0,-1] keeps the symbolic batch', { op: 'Reshape', inputs: [x('batch', 3, 4), ints([0, -1])], expect: [['batch', null]] });
add('Reshape to Shape(y) takes y\'s dims', {
  op: 'Reshape', inputs: [x('batch', 6), { from: (o, [y]) => o.shape(y!) }], aux: [['batch', 2, 3]], expect: [['batch', 2, 3]],
});
add('Squeeze axes [1]', { op: 'Squeeze', inputs: [x('batch', 1, 3), ints([1])], expect: [['batch', 3]] });
add('Squeeze negative axis', { op: 'Squeeze', inputs: [x('batch', 3, 1), ints([-1])], expect: [['batch', 3]] });
add('Unsqueeze axes [0,-1]', { op: 'Unsqueeze', inputs: [x('batch', 3), ints([0, -1])], expect: [[1, 'batch', 3, 1]] });
add('Concat on a fixed axis', { op: 'Concat', inputs: [x('batch', 2), x('batch', 3)], attrs: { axis: attr.int(-1) }, expect: [['batch', 5]] });
add('Concat on the symbolic axis', { op: 'Concat', inputs: [x('batch', 3), x(2, 3)], attrs: { axis: attr.int(0) }, expect: [[null, 3]] });
add('Split by sizes', { op: 'Split', inputs: [x('batch', 3), ints([1, 2])], attrs: { axis: attr.int(1) }, expect: [['batch', 1], ['batch', 2]] });
add('Slice with a negative end', { op: 'Slice', inputs: [x(10, 'batch'), ints([2]), ints([-1]), ints([0])], expect: [[7, 'batch']] });
add('Slice with step 3 and an end past the axis', {
  op: 'Slice', inputs: [x(10, 'batch'), ints([0]), ints([1000]), ints([0]), ints([3])], expect: [[4, 'batch']],
});
add('Slice reversed with step -1', {
  op: 'Slice', inputs: [x(10, 2), ints([-1]), ints([-1000]), ints([0]), ints([-1])], expect: [[10, 2]],
});
add('Slice with step -2 from the middle', {
  op: 'Slice', inputs: [x(10, 2), ints([7]), ints([1]), ints([0]), ints([-2])], expect: [[3, 2]],
});
add('Slice with step -1 and a start before the axis: ONNX clamps the start to 0', {
  op: 'Slice', inputs: [x(10, 2), ints([-1000]), ints([-1000]), ints([0]), ints([-1])], expect: [[1, 2]],
});
add('Slice without axes, on two axes', { op: 'Slice', inputs: [x(5, 6), ints([1, 2]), ints([4, -1])], expect: [[3, 3]] });
add('Slice of the symbolic axis is unknown', { op: 'Slice', inputs: [x('batch', 4), ints([1]), ints([3]), ints([0])], expect: [[null, 4]] });
add('Gather axis 0 with 2D indices', { op: 'Gather', inputs: [x(5, 3), { value: Tensor.int64([2, 2], [0, 1, 4, 4]) }], expect: [[2, 2, 3]] });
add('Gather axis 1', { op: 'Gather', inputs: [x('batch', 5), ints([0, 2, 2, 1])], attrs: { axis: attr.int(1) }, expect: [['batch', 4]] });
add('Gather with a scalar index drops the axis', { op: 'Gather', inputs: [x(5, 3), { value: Tensor.int64([], [2]) }], expect: [[3]] });
for (const op of ['ReduceSum', 'ReduceMean', 'ReduceMax']) {
  add(`${op} axes [1] keepdims 0`, { op, inputs: [x('batch', 3, 4), ints([1])], attrs: { keepdims: attr.int(0) }, expect: [['batch', 4]] });
  add(`${op} axes [-1] keepdims by default`, { op, inputs: [x('batch', 3, 4), ints([-1])], expect: [['batch', 3, 1]] });
  add(`${op} of all axes, keepdims 0`, { op, inputs: [x('batch', 3)], attrs: { keepdims: attr.int(0) }, expect: [[]] });
  add(`${op} of all axes, keepdims 1`, { op, inputs: [x('batch', 3)], expect: [[1, 1]] });
  add(`${op} with an empty axes list reduces all`, { op, inputs: [x(2, 3), ints([])], attrs: { keepdims: attr.int(0) }, expect: [[]] });
  add(`${op} with an empty axes list and noop_with_empty_axes keeps the shape`, {
    op, inputs: [x('batch', 3), ints([])], attrs: { noop_with_empty_axes: attr.int(1) }, expect: [['batch', 3]],
  });
}
add('Shape', { op: 'Shape', inputs: [x('batch', 3, 4)], expect: [[3]], dtype: 'int64' });
add('Shape with start 1', { op: 'Shape', inputs: [x('batch', 3, 4)], attrs: { start: attr.int(1) }, expect: [[2]], dtype: 'int64' });
add('Shape with start -1', { op: 'Shape', inputs: [x('batch', 3, 4)], attrs: { start: attr.int(-1) }, expect: [[1]], dtype: 'int64' });
add('Shape with end 1', { op: 'Shape', inputs: [x('batch', 3, 4)], attrs: { end: attr.int(1) }, expect: [[1]], dtype: 'int64' });
add('Size', { op: 'Size', inputs: [x('batch', 3)], expect: [[]], dtype: 'int64' });
add('Pad with constant pads', { op: 'Pad', inputs: [x(2, 3), ints([1, 0, 0, 2])], expect: [[3, 5]] });
add('Pad of a symbolic dim is unknown', { op: 'Pad', inputs: [x('batch', 3), ints([0, 1, 0, 1])], expect: [[null, 5]] });
add('Expand to constant dims', { op: 'Expand', inputs: [x(3, 1), ints([2, 3, 4])], expect: [[2, 3, 4]] });
add('Expand to Shape(y)', { op: 'Expand', inputs: [x('batch', 1), { from: (o, [y]) => o.shape(y!) }], aux: [['batch', 4]], expect: [['batch', 4]] });
add('Expand to a computed shape: the rank and x\'s dims other than 1 are known', {
  op: 'Expand', inputs: [x(1, 1, 3), { from: (o, [y]) => o.concat([o.ints([1]), o.gather(o.shape(y!), o.ints([0])), o.ints([3])], 0) }],
  aux: [['batch', 2]], expect: [[null, null, 3]],
});
add('Concat of an input of partly known shape with a known one: each dim from whichever input knows it', {
  op: 'Concat', inputs: [{ from: (o, [y]) => o.expand(o.floats([1, 1, 2], [0, 0]), o.concat([o.ints([1]), o.gather(o.shape(y!), o.ints([0])), o.ints([2])], 0)) }, x(4, 'batch', 2)],
  aux: [['batch', 2]], attrs: { axis: attr.int(0) }, expect: [[null, 'batch', 2]],
});
add('ConstantOfShape of constant dims', { op: 'ConstantOfShape', inputs: [ints([2, 3])], expect: [[2, 3]] });
add('ConstantOfShape takes the type of its value', {
  op: 'ConstantOfShape', inputs: [ints([2])], attrs: { value: { type: 'tensor', value: Tensor.int64([1], [7]) } }, expect: [[2]], dtype: 'int64',
});
add('ConstantOfShape of Shape(y)', { op: 'ConstantOfShape', inputs: [{ from: (o, [y]) => o.shape(y!) }], aux: [['batch', 4]], expect: [['batch', 4]] });
add('ConstantOfShape of a computed shape: rank known, dims not', {
  op: 'ConstantOfShape', inputs: [{ from: (o, [y]) => o.shape(y!, 1) }], aux: [['batch', 3, 4]], expect: [[null, null]],
});
add('Gelu keeps the shape (opset 20)', { op: 'Gelu', inputs: [x('batch', 3)], expect: [['batch', 3]], opset: 20 });
add('Dropout with its mask', { op: 'Dropout', inputs: [x('batch', 3)], count: 2, expect: [['batch', 3], ['batch', 3]] });
add('Cast to float64', { op: 'Cast', inputs: [x('batch', 2)], attrs: { to: attr.int(11) }, expect: [['batch', 2]], dtype: 'float64' });
add('Flatten axis 1 (default) with fixed dims', { op: 'Flatten', inputs: [x(2, 3, 4)], expect: [[2, 12]] });
add('Flatten axis 0', { op: 'Flatten', inputs: [x(2, 3, 4)], attrs: { axis: attr.int(0) }, expect: [[1, 24]] });
add('Flatten axis -1 next to a symbolic batch', { op: 'Flatten', inputs: [x('batch', 3, 4)], attrs: { axis: attr.int(-1) }, expect: [[null, 4]] });
add('Split num_outputs 3 of 7: 3, 3, 1', { op: 'Split', inputs: [x('batch', 7)], attrs: { axis: attr.int(1), num_outputs: attr.int(3) }, expect: [['batch', 3], ['batch', 3], ['batch', 1]] });
add('Split num_outputs 2 of 6 on axis -1', { op: 'Split', inputs: [x(2, 6)], attrs: { axis: attr.int(-1), num_outputs: attr.int(2) }, expect: [[2, 3], [2, 3]] });
add('Squeeze without axes drops every unit axis', { op: 'Squeeze', inputs: [x(1, 3, 1, 2)], expect: [[3, 2]] });
add('Constant takes its tensor\'s type and dims', { op: 'Constant', inputs: [], attrs: { value: { type: 'tensor', value: Tensor.int64([2, 2], [1, 2, 3, 4]) } }, expect: [[2, 2]], dtype: 'int64' });
add('Constant value_ints', { op: 'Constant', inputs: [], attrs: { value_ints: attr.ints([3, 1, 2]) }, expect: [[3]], dtype: 'int64' });
add('Constant value_float is a float scalar', { op: 'Constant', inputs: [], attrs: { value_float: attr.float(0.5) }, expect: [[]], dtype: 'float32' });
add('Range with constant bounds', { op: 'Range', inputs: [{ value: Tensor.int64([], [1]) }, { value: Tensor.int64([], [8]) }, { value: Tensor.int64([], [3]) }], expect: [[3]], dtype: 'int64' });
add('Range with a computed limit has an unknown length', {
  op: 'Range', inputs: [{ value: Tensor.int64([], [0]) }, { from: (o, [y]) => o.squeeze(o.shape(y!, 0), [0]) }, { value: Tensor.int64([], [1]) }],
  aux: [['batch']], expect: [[null]], dtype: 'int64',
});
add('Conv1d with pads, stride and dilation', {
  op: 'Conv', inputs: [x('batch', 2, 10), x(3, 2, 3)], attrs: { pads: attr.ints([2, 1]), strides: attr.ints([2]), dilations: attr.ints([2]) }, expect: [['batch', 3, 5]],
});
add('Conv2d with groups', { op: 'Conv', inputs: [x(1, 4, 5, 6), x(6, 2, 3, 3)], attrs: { group: attr.int(2), strides: attr.ints([2, 1]) }, expect: [[1, 6, 2, 4]] });
add('Conv1d auto_pad SAME_UPPER, stride 2', { op: 'Conv', inputs: [x('batch', 2, 7), x(3, 2, 4)], attrs: { auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2]) }, expect: [['batch', 3, 4]] });
add('Conv1d auto_pad SAME_LOWER', { op: 'Conv', inputs: [x(2, 2, 6), x(3, 2, 3)], attrs: { auto_pad: attr.string('SAME_LOWER') }, expect: [[2, 3, 6]] });
add('ConvTranspose with output_padding and groups', {
  op: 'ConvTranspose', inputs: [x('batch', 4, 4), x(4, 3, 3)],
  attrs: { group: attr.int(2), strides: attr.ints([2]), pads: attr.ints([1, 0]), output_padding: attr.ints([1]), dilations: attr.ints([2]) },
  expect: [['batch', 6, 11]],
});
add('GRU: Y and Y_h', {
  op: 'GRU', inputs: [x('time', 'batch', 2), x(1, 9, 2), x(1, 9, 3), x(1, 18)], attrs: { hidden_size: attr.int(3), linear_before_reset: attr.int(1) }, count: 2,
  expect: [['time', 1, 'batch', 3], [1, 'batch', 3]],
});
add('RNN: Y and Y_h', {
  op: 'RNN', inputs: [x(5, 'batch', 2), x(1, 4, 2), x(1, 4, 4)], attrs: { hidden_size: attr.int(4) }, count: 2,
  expect: [[5, 1, 'batch', 4], [1, 'batch', 4]],
});
add('LSTM: Y, Y_h and Y_c', {
  op: 'LSTM', inputs: [x('time', 'batch', 2), x(1, 12, 2), x(1, 12, 3)], attrs: { hidden_size: attr.int(3) }, count: 3,
  expect: [['time', 1, 'batch', 3], [1, 'batch', 3], [1, 'batch', 3]],
});
add('LSTM: Y and Y_h', {
  op: 'LSTM', inputs: [x(5, 'batch', 2), x(1, 16, 2), x(1, 16, 4), x(1, 32)], attrs: { hidden_size: attr.int(4) }, count: 2,
  expect: [[5, 1, 'batch', 4], [1, 'batch', 4]],
});

function feedFor(v: Value, bind: Record<string, number>): ort.Tensor {
  const dims = v.shape!.map((d) => (typeof d === 'number' ? d : bind[d as string]!));
  const n = dims.reduce((a, b) => a * b, 1);
  // Positive values away from 0: Sqrt, Log and Reciprocal stay finite.
  if (v.dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from({ length: n }, (_, i) => i % 2), dims);
  return new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => 0.5 + (i % 7) / 7), dims);
}

for (const [name, c] of Object.entries(cases)) {
  test(`shape inference: ${name}`, async () => {
    const g = new Graph('shape');
    const o = new Ops(g);
    const declared: Value[] = [];
    const aux = (c.aux ?? []).map((shape, k) => g.input(`aux${k}`, 'float32', shape));
    declared.push(...aux);
    const inputs = c.inputs.map((i, k) => {
      if (!i) return null;
      if ('shape' in i) {
        const v = g.input(`in${k}`, i.dtype ?? 'float32', i.shape);
        declared.push(v);
        return v;
      }
      return 'value' in i ? g.constant(i.value) : i.from(o, aux);
    });
    const outs = g.add(c.op, inputs, c.attrs ?? {}, { count: c.count ?? c.expect.length });
    assert.deepEqual(outs.map((v) => v.shape), c.expect);
    if (c.dtype) for (const v of outs) assert.equal(v.dtype, c.dtype);

    const bind = { ...BIND, ...c.bind };
    outs.forEach((v, k) => g.output(v, `out${k}`));
    const session = await ort.InferenceSession.create(serializeModel(g, { opset: c.opset }), { intraOpNumThreads: 1 });
    const r = await session.run(Object.fromEntries(declared.map((v) => [v.name, feedFor(v, bind)])));
    await session.release();
    c.expect.forEach((shape, k) => {
      const real = r[`out${k}`]!;
      assert.equal(real.dims.length, shape!.length, `output ${k}: rank`);
      shape!.forEach((d, i) => {
        if (d !== null) assert.equal(real.dims[i], typeof d === 'number' ? d : bind[d], `output ${k}, dim ${i}: inferred ${d}, real [${real.dims}]`);
      });
      if (c.dtype && c.dtype !== 'float32') assert.equal(real.type, c.dtype);
    });
  });
}

test('shapes that cannot broadcast are an error at build time', () => {
  const g = new Graph('bad');
  const o = new Ops(g);
  assert.throws(() => o.add(g.input('a', 'float32', [2, 3]), g.input('b', 'float32', [4, 3])), /cannot broadcast/);
});

test('an op without shape inference asks for explicit types', () => {
  const g = new Graph('unknown');
  const a = g.input('a', 'float32', [2]);
  assert.throws(() => g.add('NoSuchOp', [a], {}), /no shape inference for op NoSuchOp/);
  const [out] = g.add('NoSuchOp', [a], {}, { types: [{ dtype: 'float32', shape: [7] }] });
  assert.deepEqual(out!.shape, [7]);
});
