// One numerical gradient check (or several) per registered rule, against float64 finite differences. The table
// below is keyed by the op each case is about; a rule registered without a case here fails the first test.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { registeredOps } from '../../src/autodiff/registry.ts';
import '../../src/autodiff/rules/index.ts';
import { gradients } from '../../src/autodiff/backward.ts';
import type { RecurrenceMode } from '../../src/autodiff/registry.ts';
import { Rng } from '../../src/data/rng.ts';
import { gruUnrolled } from '../../src/graph/layers/gru.ts';
import { lstm, lstmUnrolled } from '../../src/graph/layers/lstm.ts';
import { loss } from '../../src/graph/losses.ts';
import { Graph } from '../../src/graph/graph.ts';
import { attr, type Attr } from '../../src/graph/node.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Value } from '../../src/graph/value.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { checkGradients, gradcheckStats, GRAD_ABS, GRAD_REL, type GradCheck } from '../helpers/gradcheck.ts';

/** `emits`: ops the gradient graph must (has) or must not (lacks) contain, e.g. Scan for a recurrence mode. */
interface Emits {
  has?: string[];
  lacks?: string[];
}
const cases = new Map<string, { name: string; check: GradCheck; emits: Emits }[]>();
function define(op: string, name: string, check: GradCheck, emits: Emits = {}): void {
  const list = cases.get(op) ?? [];
  list.push({ name, check, emits });
  cases.set(op, list);
}
const input = (name: string, dims: number[], more: Partial<GradCheck['inputs'][number]> = {}) => ({ name, dims, ...more });

// --- elementwise arithmetic, with broadcasting both ways -----------------------------------------------------------
const binaryOps: Record<string, (o: Ops, a: Value, b: Value) => Value> = {
  Add: (o, a, b) => o.add(a, b),
  Sub: (o, a, b) => o.sub(a, b),
  Mul: (o, a, b) => o.mul(a, b),
  Div: (o, a, b) => o.div(a, b),
};
const pairs: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[3, 1], [3, 4]], // [B,1] against [B,H]
  [[3, 4], [3, 1]],
  [[], [3, 4]], // a scalar
  [[3, 4], []],
  [[4], [2, 3, 4]], // a missing leading axis
  [[2, 1, 4], [3, 1]], // both sides broadcast
];
for (const [op, f] of Object.entries(binaryOps)) {
  for (const [a, b] of pairs) {
    define(op, `[${a}] ${op} [${b}]`, { inputs: [input('a', a), input('b', b)], build: (o, [x, y]) => f(o, x!, y!) });
  }
  define(op, `['batch',1] ${op} ['batch',4] (symbolic batch)`, {
    inputs: [input('a', [3, 1], { shape: ['batch', 1] }), input('b', [3, 4], { shape: ['batch', 4] })],
    build: (o, [x, y]) => f(o, x!, y!),
  });
  define(op, `[3,1] ${op} [3,4], gradient for the first input only`, {
    inputs: [input('a', [3, 1]), input('b', [3, 4], { wrt: false })],
    build: (o, [x, y]) => f(o, x!, y!),
  });
}

const positive = (n: number) => Array.from({ length: n }, (_, i) => 0.3 + (i % 7) / 5);
define('Pow', 'Pow [3,4] by the constant 3 (tanh-Gelu as exported)', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.pow(x!, o.scalar(3)) });
define('Pow', 'Pow [3,4] by an int64 constant 2', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.pow(x!, o.g.constant(Tensor.int64([], [2]))) });
define('Pow', 'Pow of positive [3,4] by exponents [4] (both differentiated)', {
  inputs: [input('x', [3, 4], { data: positive(12) }), input('p', [4], { data: [0.5, 1.5, -1, 2.5] })],
  build: (o, [x, p]) => o.pow(x!, p!),
});
define('Neg', 'Neg [2,3]', { inputs: [input('x', [2, 3])], build: (o, [x]) => o.neg(x!) });
define('Abs', 'Abs [2,3] (inputs away from 0)', { inputs: [input('x', [2, 3])], build: (o, [x]) => o.abs(x!) });
define('Identity', 'Identity [2,3]', { inputs: [input('x', [2, 3])], build: (o, [x]) => o.identity(x!) });
define('Relu', 'Relu [3,4] (both signs, away from 0)', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.relu(x!) });
define('Tanh', 'Tanh [3,4]', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.tanh(x!) });
define('Sigmoid', 'Sigmoid [3,4]', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.sigmoid(x!) });

const mask = (o: Ops, dims: number[], bits: number[]) => o.g.constant(new Tensor('bool', dims, Uint8Array.from(bits)));
define('Where', 'Where(constant mask [2,3], a [2,3], b [1,3])', {
  inputs: [input('a', [2, 3]), input('b', [1, 3])],
  build: (o, [a, b]) => o.where(mask(o, [2, 3], [1, 0, 1, 0, 0, 1]), a!, b!),
});
define('Where', 'Where(a < b, a·a, scalar b): the condition depends on the inputs too', {
  inputs: [input('a', [3, 4]), input('b', [])],
  build: (o, [a, b]) => o.where(o.less(a!, b!), o.mul(a!, a!), b!),
});

// --- matrix products -----------------------------------------------------------------------------------------------
for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    const [M, K, N] = [3, 4, 2];
    const A = transA ? [K, M] : [M, K], B = transB ? [N, K] : [K, N];
    define('Gemm', `Gemm transA=${+transA} transB=${+transB}, bias [N], alpha 0.7, beta 1.3`, {
      inputs: [input('A', A), input('B', B), input('C', [N])],
      build: (o, [a, b, c]) => o.gemm(a!, b!, c!, { transA, transB, alpha: 0.7, beta: 1.3 }),
    });
  }
}
define('Gemm', 'Gemm bias [M,N], alpha 1', {
  inputs: [input('A', [3, 4]), input('B', [2, 4]), input('C', [3, 2])],
  build: (o, [a, b, c]) => o.gemm(a!, b!, c!, { transB: true }),
});
define('Gemm', 'Gemm bias [1] broadcast, beta 0.5', {
  inputs: [input('A', [3, 4]), input('B', [4, 2]), input('C', [1])],
  build: (o, [a, b, c]) => o.gemm(a!, b!, c!, { beta: 0.5 }),
});
define('Gemm', 'Gemm transA, bias [M,1] broadcast over columns, beta 2', {
  inputs: [input('A', [4, 3]), input('B', [4, 2]), input('C', [3, 1])],
  build: (o, [a, b, c]) => o.gemm(a!, b!, c!, { transA: true, beta: 2 }),
});
define('Gemm', 'Gemm with a scalar bias', {
  inputs: [input('A', [3, 4]), input('B', [4, 2]), input('C', [])],
  build: (o, [a, b, c]) => o.gemm(a!, b!, c!),
});
define('Gemm', 'Gemm without bias, symbolic batch rows', {
  inputs: [input('A', [3, 4], { shape: ['batch', 4] }), input('B', [2, 4])],
  build: (o, [a, b]) => o.gemm(a!, b!, null, { transB: true, alpha: 2 }),
});

const matmulCases: [string, number[], number[]][] = [
  ['2D [3,4]x[4,2]', [3, 4], [4, 2]],
  ['batched 3D x 2D [2,3,4]x[4,5]', [2, 3, 4], [4, 5]],
  ['batched 3D x 3D [2,3,4]x[2,4,2]', [2, 3, 4], [2, 4, 2]],
  ['2D x batched 3D [3,4]x[2,4,2]', [3, 4], [2, 4, 2]],
  ['batch broadcast [2,1,3,4]x[3,4,2]', [2, 1, 3, 4], [3, 4, 2]],
];
for (const [name, a, b] of matmulCases) {
  define('MatMul', `MatMul ${name}`, { inputs: [input('a', a), input('b', b)], build: (o, [x, y]) => o.matmul(x!, y!) });
}

// --- reductions ----------------------------------------------------------------------------------------------------
for (const op of ['ReduceSum', 'ReduceMean'] as const) {
  const red = (o: Ops, x: Value, axes: number[] | null, keep: boolean) =>
    op === 'ReduceSum' && axes ? o.reduceSum(x, axes, keep) : axes ? o.reduceMean(x, axes, keep) : o.g.add(op, [x], { keepdims: attr.int(keep ? 1 : 0) })[0]!;
  for (const keep of [false, true]) {
    define(op, `${op} axes [1] keepdims=${+keep}`, { inputs: [input('x', [2, 3, 4])], build: (o, [x]) => red(o, x!, [1], keep) });
    define(op, `${op} axes [0,-1] keepdims=${+keep}`, { inputs: [input('x', [2, 3, 4])], build: (o, [x]) => red(o, x!, [0, -1], keep) });
    define(op, `${op} all axes keepdims=${+keep}`, { inputs: [input('x', [2, 3])], build: (o, [x]) => red(o, x!, null, keep) });
    define(op, `${op} with an empty axes list (all axes) keepdims=${+keep}`, {
      inputs: [input('x', [2, 3])],
      build: (o, [x]) => o.g.add(op, [x!, o.ints([])], { keepdims: attr.int(keep ? 1 : 0) })[0]!,
    });
    define(op, `${op} over symbolic batch axis 0 keepdims=${+keep}`, {
      inputs: [input('x', [3, 4], { shape: ['batch', 4] })],
      build: (o, [x]) => red(o, x!, [0], keep),
    });
    define(op, `${op} axis 1 next to a symbolic batch keepdims=${+keep}`, {
      inputs: [input('x', [3, 4], { shape: ['batch', 4] })],
      build: (o, [x]) => red(o, x!, [1], keep),
    });
  }
  define(op, `${op} of everything with a symbolic batch`, {
    inputs: [input('x', [3, 2, 2], { shape: ['batch', 2, 2] })],
    build: (o, [x]) => red(o, x!, null, false),
  });
}

// --- ops that move elements ----------------------------------------------------------------------------------------
define('Transpose', 'Transpose [2,3,4] perm [2,0,1]', { inputs: [input('x', [2, 3, 4])], build: (o, [x]) => o.transpose(x!, [2, 0, 1]) });
define('Transpose', 'Transpose [2,3] perm [1,0]', { inputs: [input('x', [2, 3])], build: (o, [x]) => o.transpose(x!, [1, 0]) });
define('Transpose', 'Transpose [2,3,4] without perm (reverses the axes)', {
  inputs: [input('x', [2, 3, 4])],
  build: (o, [x]) => o.g.add('Transpose', [x!], {})[0]!,
});
define('Reshape', 'Reshape [2,3,4] -> [6,-1]', { inputs: [input('x', [2, 3, 4])], build: (o, [x]) => o.reshape(x!, [6, -1]) });
define('Reshape', 'Reshape [batch,3,4] -> [0,-1] (symbolic batch)', {
  inputs: [input('x', [2, 3, 4], { shape: ['batch', 3, 4] })],
  build: (o, [x]) => o.reshape(x!, [0, -1]),
});
define('Squeeze', 'Squeeze [2,1,3] axes [1]', { inputs: [input('x', [2, 1, 3])], build: (o, [x]) => o.squeeze(x!, [1]) });
define('Squeeze', 'Squeeze [1,2,1] axes [0,-1]', { inputs: [input('x', [1, 2, 1])], build: (o, [x]) => o.squeeze(x!, [0, -1]) });
define('Unsqueeze', 'Unsqueeze [2,3] axes [0,2]', { inputs: [input('x', [2, 3])], build: (o, [x]) => o.unsqueeze(x!, [0, 2]) });
define('Unsqueeze', 'Unsqueeze [2,3] axes [-1]', { inputs: [input('x', [2, 3])], build: (o, [x]) => o.unsqueeze(x!, [-1]) });
define('Concat', 'Concat [2,1],[2,2],[2,3] on axis 1', {
  inputs: [input('a', [2, 1]), input('b', [2, 2]), input('c', [2, 3])],
  build: (o, [a, b, c]) => o.concat([a!, b!, c!], 1),
});
define('Concat', 'Concat on axis -1 with a symbolic batch, one input without gradient', {
  inputs: [input('a', [3, 2], { shape: ['batch', 2] }), input('b', [3, 1], { shape: ['batch', 1], wrt: false })],
  build: (o, [a, b]) => o.concat([a!, b!], -1),
});
define('Concat', 'Concat of a value with itself', { inputs: [input('a', [2, 2])], build: (o, [a]) => o.concat([a!, a!], 0) });
define('Split', 'Split [2,6] axis 1 into 1,2,3, middle output unused', {
  inputs: [input('x', [2, 6])],
  build: (o, [x]) => {
    const [p, , r] = o.split(x!, 1, [1, 2, 3]);
    return [p!, r!];
  },
});
define('Split', 'Split [batch,6] axis 1 into 2,4, second output unused (zeros shaped at run time)', {
  inputs: [input('x', [3, 6], { shape: ['batch', 6] })],
  build: (o, [x]) => [o.split(x!, 1, [2, 4])[0]!],
});
define('Split', 'Split with every output used', {
  inputs: [input('x', [3, 4])],
  build: (o, [x]) => o.split(x!, 1, [2, 2]),
});
define('Slice', 'Slice [4,5] rows 1..3, columns -3..end', {
  inputs: [input('x', [4, 5])],
  build: (o, [x]) => o.slice(x!, [1, -3], [3, 1000], [0, 1]),
});
define('Slice', 'Slice [3,4,2] axis -2 from 0 to -1', {
  inputs: [input('x', [3, 4, 2])],
  build: (o, [x]) => o.slice(x!, [0], [-1], [-2]),
});
define('Slice', 'Slice on axis 1 next to a symbolic batch', {
  inputs: [input('x', [2, 5], { shape: ['batch', 5] })],
  build: (o, [x]) => o.slice(x!, [2], [4], [1]),
});
const idx = (o: Ops, dims: number[], values: number[]) => o.g.constant(Tensor.int64(dims, values));
define('Gather', 'Gather [5,3] with repeated indices [[0,2],[2,4]]', {
  inputs: [input('x', [5, 3])],
  build: (o, [x]) => o.gather(x!, idx(o, [2, 2], [0, 2, 2, 4])),
});
define('Gather', 'Gather [4] with indices [3,3,3,0]', {
  inputs: [input('x', [4])],
  build: (o, [x]) => o.gather(x!, idx(o, [4], [3, 3, 3, 0])),
});
define('Gather', 'Gather [5,3] with a scalar index', { inputs: [input('x', [5, 3])], build: (o, [x]) => o.gather(x!, idx(o, [], [1])) });
define('Gather', 'Gather [5,3] with negative indices [-1,0,-1]', {
  inputs: [input('x', [5, 3])],
  build: (o, [x]) => o.gather(x!, idx(o, [3], [-1, 0, -1])),
});

define('Gather', 'Gather [2,5,3] axis 1 with a scalar index -1 (PyTorch\'s x[:, -1, :]: a Pad)', {
  inputs: [input('x', [2, 5, 3])],
  build: (o, [x]) => o.gather(x!, idx(o, [], [-1]), 1),
}, { has: ['Pad'], lacks: ['ScatterND'] });
define('Gather', 'Gather [6,2] with consecutive indices [2,3,4] (a contiguous block: a Pad)', {
  inputs: [input('x', [6, 2])],
  build: (o, [x]) => o.gather(x!, idx(o, [3], [2, 3, 4])),
}, { has: ['Pad'], lacks: ['ScatterND'] });
define('Gather', 'Gather [batch,5,3] axis 1 with a scalar index (symbolic batch)', {
  inputs: [input('x', [2, 5, 3], { shape: ['batch', 5, 3] })],
  build: (o, [x]) => o.gather(x!, idx(o, [], [3]), 1),
});
define('Gather', 'Gather [2,3,4] axis -1 with repeated 2-D indices', {
  inputs: [input('x', [2, 3, 4])],
  build: (o, [x]) => o.gather(x!, idx(o, [2, 3], [0, 3, 3, -1, 1, 0]), -1),
}, { has: ['ScatterND'] });
define('Gather', 'Gather [3,4] axis 1 with indices computed in the graph (Range, negative)', {
  inputs: [input('x', [3, 4])],
  build: (o, [x]) => o.gather(x!, o.g.add('Range', [idx(o, [], [-2]), idx(o, [], [2]), idx(o, [], [1])], {})[0]!, 1),
});
define('Slice', 'Slice [7,3] axis 0 step 2', { inputs: [input('x', [7, 3])], build: (o, [x]) => o.slice(x!, [0], [7], [0], [2]) });
define('Slice', 'Slice [5,3] reversed (step -1, from -1 to a large negative end)', {
  inputs: [input('x', [5, 3])],
  build: (o, [x]) => o.slice(x!, [-1], [-1000], [0], [-1]),
});
define('Slice', 'Slice [8,2] axis 0 step -3 from the middle', { inputs: [input('x', [8, 2])], build: (o, [x]) => o.slice(x!, [6], [0], [0], [-3]) });
define('Slice', 'Slice [4,6,5] on three axes: step 1, step 2 with negative bounds, step -2', {
  inputs: [input('x', [4, 6, 5])],
  build: (o, [x]) => o.slice(x!, [1, -5, 4], [3, -1, 0], [0, 1, 2], [1, 2, -2]),
});
define('Slice', 'Slice [batch,6] axis 1 step 2 next to a symbolic batch', {
  inputs: [input('x', [3, 6], { shape: ['batch', 6] })],
  build: (o, [x]) => o.slice(x!, [1], [6], [1], [2]),
});
define('Flatten', 'Flatten [2,3,4] axis 1 (default)', { inputs: [input('x', [2, 3, 4])], build: (o, [x]) => o.g.add('Flatten', [x!], {})[0]! });
define('Flatten', 'Flatten [2,3,4] axis 0', { inputs: [input('x', [2, 3, 4])], build: (o, [x]) => o.g.add('Flatten', [x!], { axis: attr.int(0) })[0]! });
define('Flatten', 'Flatten [batch,3,4] axis -1 (symbolic batch)', {
  inputs: [input('x', [2, 3, 4], { shape: ['batch', 3, 4] })],
  build: (o, [x]) => o.g.add('Flatten', [x!], { axis: attr.int(-1) })[0]!,
});
define('Squeeze', 'Squeeze [2,1,3,1] without axes', { inputs: [input('x', [2, 1, 3, 1])], build: (o, [x]) => o.g.add('Squeeze', [x!], {})[0]! });
define('Expand', 'Expand [3,1] to [2,3,4]', { inputs: [input('x', [3, 1])], build: (o, [x]) => o.expand(x!, o.ints([2, 3, 4])) });
define('Expand', 'Expand [4] to [3,1] (both broadcast)', { inputs: [input('x', [4])], build: (o, [x]) => o.expand(x!, o.ints([3, 1])) });
define('Expand', 'Expand [batch,1] to Shape(y) of [batch,4]', {
  inputs: [input('x', [3, 1], { shape: ['batch', 1] }), input('y', [3, 4], { shape: ['batch', 4], wrt: false })],
  build: (o, [x, y]) => o.expand(x!, o.shape(y!)),
});
define('Split', 'Split [2,7] axis 1 num_outputs 3 (3,3,1), the middle output unused', {
  inputs: [input('x', [2, 7])],
  build: (o, [x]) => {
    const [p, , r] = o.g.add('Split', [x!], { axis: attr.int(1), num_outputs: attr.int(3) }, { count: 3 });
    return [p!, r!];
  },
});
for (const [name, a, b] of [['1-D x 2D [4]x[4,2]', [4], [4, 2]], ['2D x 1-D [3,4]x[4]', [3, 4], [4]], ['1-D x 1-D [4]x[4]', [4], [4]],
  ['1-D x batched 3D [4]x[2,4,3]', [4], [2, 4, 3]]] as [string, number[], number[]][]) {
  define('MatMul', `MatMul ${name}`, { inputs: [input('a', a), input('b', b)], build: (o, [x, y]) => o.matmul(x!, y!) });
}

// --- more activations ----------------------------------------------------------------------------------------------
define('LeakyRelu', 'LeakyRelu [3,4], default alpha', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.g.add('LeakyRelu', [x!], {})[0]! });
define('LeakyRelu', 'LeakyRelu [3,4], alpha 0.2', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.g.add('LeakyRelu', [x!], { alpha: attr.float(0.2) })[0]! });
define('Elu', 'Elu [3,4], default alpha', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.g.add('Elu', [x!], {})[0]! });
define('Elu', 'Elu [3,4], alpha 0.5', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.g.add('Elu', [x!], { alpha: attr.float(0.5) })[0]! });
define('Softplus', 'Softplus [3,4]', { inputs: [input('x', [3, 4], { data: Array.from({ length: 12 }, (_, i) => (i - 6) / 2) })], build: (o, [x]) => o.g.add('Softplus', [x!], {})[0]! });
define('Erf', 'Erf [3,4] over [-3, 2.5]', { inputs: [input('x', [3, 4], { data: Array.from({ length: 12 }, (_, i) => (i - 6) / 2) })], build: (o, [x]) => o.g.add('Erf', [x!], {})[0]! });
for (const approximate of ['none', 'tanh']) {
  define('Gelu', `Gelu [3,4] approximate ${approximate} (opset 20) over [-3, 2.5]`, {
    inputs: [input('x', [3, 4], { data: Array.from({ length: 12 }, (_, i) => (i - 6) / 2) })],
    opset: 20,
    build: (o, [x]) => o.g.add('Gelu', [x!], { approximate: attr.string(approximate) })[0]!,
  });
}
define('Dropout', 'Dropout [3,4] without ratio (inference)', { inputs: [input('x', [3, 4])], build: (o, [x]) => o.g.add('Dropout', [x!], {})[0]! });
define('Dropout', 'Dropout [3,4] with ratio 0.3, training_mode a constant false, mask requested', {
  inputs: [input('x', [3, 4])],
  build: (o, [x]) => o.g.add('Dropout', [x!, o.scalar(0.3), o.g.constant(new Tensor('bool', [], Uint8Array.from([0])))], {}, { count: 2 })[0]!,
});

// --- values without gradients: the paths through them are differentiated, the ops themselves pass nothing on ---------
define('Constant', 'x · Constant', {
  inputs: [input('x', [2, 3])],
  build: (o, [x]) => o.mul(x!, o.g.add('Constant', [], { value: { type: 'tensor', value: Tensor.float([3], [0.5, -2, 1.5]) } })[0]!),
});
define('Constant', 'x · Constant(value_floats) + Constant(value_float)', {
  inputs: [input('x', [2, 3])],
  build: (o, [x]) => o.add(o.mul(x!, o.g.add('Constant', [], { value_floats: attr.floats([0.5, -2, 1.5]) })[0]!),
    o.g.add('Constant', [], { value_float: attr.float(0.25) })[0]!),
});
define('ConstantOfShape', 'x + ConstantOfShape(Shape(x), 1.5)', {
  inputs: [input('x', [2, 3], { shape: ['batch', 3] })],
  build: (o, [x]) => o.add(o.mul(x!, x!), o.g.add('ConstantOfShape', [o.shape(x!)], { value: { type: 'tensor', value: Tensor.float([1], [1.5]) } })[0]!),
});
define('Shape', 'Reshape(flat tanh(x), Shape(x))', {
  inputs: [input('x', [2, 3])],
  build: (o, [x]) => o.g.add('Reshape', [o.reshape(o.tanh(x!), [-1]), o.shape(x!)], {})[0]!,
});
define('Range', 'Gather(x, Range(0, 3, 1), axis 1)', {
  inputs: [input('x', [2, 4])],
  build: (o, [x]) => o.gather(x!, o.g.add('Range', [idx(o, [], [0]), idx(o, [], [3]), idx(o, [], [1])], {})[0]!, 1),
});
define('Cast', 'Cast float32 -> float64, squared, -> float32', {
  inputs: [input('x', [2, 3])],
  build: (o, [x]) => {
    const d = o.cast(x!, 'float64');
    return o.cast(o.mul(d, d), 'float32');
  },
});
define('Cast', 'Cast float32 -> float32 (a no-op type promotion)', { inputs: [input('x', [2, 3])], build: (o, [x]) => o.tanh(o.cast(x!, 'float32')) });

// --- convolution ---------------------------------------------------------------------------------------------------
interface ConvCase { x: number[]; w: number[]; bias?: boolean; attrs?: Record<string, Attr>; batch?: boolean }
const convCases: Record<string, ConvCase> = {
  'Conv1d [2,3,8] * [4,3,3], pads 1, bias': { x: [2, 3, 8], w: [4, 3, 3], bias: true, attrs: { pads: attr.ints([1, 1]) } },
  'Conv1d stride 2, dilation 2, pads [2,1], no bias, a position past the last window': {
    x: [2, 2, 10], w: [3, 2, 3], attrs: { strides: attr.ints([2]), dilations: attr.ints([2]), pads: attr.ints([2, 1]) },
  },
  'Conv1d groups 3, stride 2 (input not a multiple of it), bias': {
    x: [2, 6, 8], w: [6, 2, 2], bias: true, attrs: { group: attr.int(3), strides: attr.ints([2]) },
  },
  'Conv1d depthwise (groups = channels), channel multiplier 2, pads 1': {
    x: [2, 4, 6], w: [8, 1, 3], attrs: { group: attr.int(4), pads: attr.ints([1, 1]) },
  },
  'Conv1d over a symbolic batch, bias': { x: [3, 2, 7], w: [2, 2, 4], bias: true, batch: true },
  'Conv1d auto_pad VALID with stride 3': { x: [2, 2, 9], w: [2, 2, 2], attrs: { auto_pad: attr.string('VALID'), strides: attr.ints([3]) } },
  'Conv2d [2,2,5,6] * [3,2,3,2], pads [1,0,1,1], strides [2,1], dilations [1,2], bias': {
    x: [2, 2, 5, 6], w: [3, 2, 3, 2], bias: true, attrs: { pads: attr.ints([1, 0, 1, 1]), strides: attr.ints([2, 1]), dilations: attr.ints([1, 2]) },
  },
  'Conv2d groups 2, stride 2, pads 1': {
    x: [1, 4, 5, 5], w: [4, 2, 3, 3], attrs: { group: attr.int(2), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) },
  },
};
for (const [name, c] of Object.entries(convCases)) {
  define('Conv', name, {
    inputs: [
      input('X', c.x, c.batch ? { shape: ['batch', ...c.x.slice(1)] } : {}),
      input('W', c.w),
      ...(c.bias ? [input('B', [c.w[0]!])] : []),
    ],
    build: (o, [x, w, b]) => o.g.add('Conv', b ? [x!, w!, b] : [x!, w!], c.attrs ?? {})[0]!,
  }, { has: ['ConvTranspose'] });
}

// --- LSTM ----------------------------------------------------------------------------------------------------------
const F = 2, H = 3, B = 2;
const HIDDEN = H; // recurrentCase's default
function uniform(seed: number, n: number, bound: number): Float64Array {
  const rng = Rng.derive(seed, 'lstm-case');
  return Float64Array.from({ length: n }, () => rng.uniform(-bound, bound));
}
type LstmOut = 'Y' | 'Y_h' | 'both';
function lstmCase(T: number, use: LstmOut, bias: boolean, recurrence: RecurrenceMode, seed: number): GradCheck {
  // Weights like PyTorch's init (±1/√H), inputs of unit size: gates neither saturated nor linear.
  const wb = 1 / Math.sqrt(H);
  const inputs = [
    input('X', [T, B, F], { data: uniform(seed, T * B * F, 1) }),
    input('W', [1, 4 * H, F], { data: uniform(seed + 1, 4 * H * F, wb) }),
    // Over one step R meets only h₋₁ = 0: its gradient is exactly zero.
    input('R', [1, 4 * H, H], { data: uniform(seed + 2, 4 * H * H, wb), zeroGradient: T === 1 }),
    ...(bias ? [input('B', [1, 8 * H], { data: uniform(seed + 3, 8 * H, wb) })] : []),
  ];
  return {
    inputs,
    mode: 'directions',
    recurrence,
    seed,
    build: (o, [X, W, R, Bv]) => {
      const [Y, Yh] = o.g.add('LSTM', bias ? [X!, W!, R!, Bv!] : [X!, W!, R!], { hidden_size: attr.int(H) }, { count: 2 });
      return use === 'Y' ? [Y!] : use === 'Y_h' ? [Yh!] : [Y!, Yh!];
    },
  };
}
let seed = 100;
for (const recurrence of ['scan', 'unrolled'] as const) {
  for (const T of [1, 3, 12]) {
    for (const use of ['Y', 'Y_h', 'both'] as const) {
      for (const bias of T === 3 ? [true, false] : [use !== 'Y']) {
        define('LSTM', `LSTM ${recurrence}, window ${T}, using ${use}, ${bias ? 'with' : 'without'} bias`, lstmCase(T, use, bias, recurrence, seed++),
          recurrence === 'scan' ? { has: ['Scan'] } : { lacks: ['Scan'] });
      }
    }
  }
}
define('LSTM', 'LSTM with a symbolic window and batch (auto mode: Scan)', {
  ...lstmCase(5, 'both', true, 'auto', 7),
  inputs: lstmCase(5, 'both', true, 'auto', 7).inputs.map((i) => (i.name === 'X' ? { ...i, shape: ['window', 'batch', F] } : i)),
}, { has: ['Scan'] });
for (const recurrence of ['scan', 'unrolled'] as const) {
  for (const all of [false, true]) {
    define('LSTM', `LSTM ${recurrence} using ${all ? 'Y, Y_h and' : 'only'} the last cell state Y_c`, {
      ...lstmCase(4, 'Y', true, recurrence, all ? 21 : 20),
      build: (o, [X, W, R, Bv]) => {
        const outs = o.g.add('LSTM', [X!, W!, R!, Bv!], { hidden_size: attr.int(H) }, { count: 3 });
        return all ? outs : [outs[2]!];
      },
    });
  }
}
define('LSTM', 'LSTM with batch 1, one feature and hidden size 1', {
  inputs: [
    input('X', [4, 1, 1], { data: uniform(8, 4, 1) }),
    input('W', [1, 4, 1], { data: uniform(9, 4, 1) }),
    input('R', [1, 4, 1], { data: uniform(10, 4, 1) }),
    input('B', [1, 8], { data: uniform(11, 8, 1) }),
  ],
  mode: 'elements',
  build: (o, [X, W, R, Bv]) => lstm(o, X!, { W: W!, R: R!, B: Bv! }, 1).Y,
});
define('LSTM', 'LSTM window 70 in auto mode (past the unroll limit: Scan)', lstmCase(70, 'Y_h', true, 'auto', 12), { has: ['Scan'] });
define('LSTM', 'LSTM window 10 in auto mode (unrolled)', lstmCase(10, 'Y_h', true, 'auto', 13), { lacks: ['Scan'] });
/** Two stacked layers over batch-first input, the top layer's last step: with the op or the composite. */
function stackedCase(layer: typeof lstm, T: number, seed: number): GradCheck {
  const names = ['x', 'W1', 'R1', 'B1', 'W2', 'R2', 'B2'];
  const dims = [[B, T, F], [1, 4 * H, F], [1, 4 * H, H], [1, 8 * H], [1, 4 * H, H], [1, 4 * H, H], [1, 8 * H]];
  return {
    inputs: names.map((n, k) => input(n, dims[k]!, { data: uniform(seed + k, dims[k]!.reduce((a, b) => a * b, 1), k === 0 ? 1 : 0.6) })),
    mode: 'directions',
    build: (o, [x, W1, R1, B1, W2, R2, B2]) => {
      const l1 = layer(o, o.transpose(x!, [1, 0, 2]), { W: W1!, R: R1!, B: B1! }, H);
      const l2 = layer(o, o.squeeze(l1.Y, [1]), { W: W2!, R: R2!, B: B2! }, H);
      return o.squeeze(l2.Yh, [0]);
    },
  };
}
define('LSTM', 'stacked LSTM, 2 layers, batch-first input, last step of the top layer', stackedCase(lstm, 4, 1));

// The composite: the LSTM unrolled into standard ops in the forward pass, differentiated by the LSTM rule with the
// gates and cell states the forward kept (the train step's default). Checked like the op, against float64.
for (const T of [1, 3, 12]) {
  for (const use of ['Y', 'Y_h', 'both'] as const) {
    define('LSTM', `composite LSTM (unrolled forward), window ${T}, using ${use}`, {
      ...lstmCase(T, use, true, 'auto', 300 + T * 3 + ['Y', 'Y_h', 'both'].indexOf(use)),
      build: (o, [X, W, R, Bv]) => {
        const { Y, Yh } = lstmUnrolled(o, X!, { W: W!, R: R!, B: Bv! }, H);
        return use === 'Y' ? [Y] : use === 'Y_h' ? [Yh] : [Y, Yh];
      },
    }, { lacks: ['LSTM', 'Scan'] });
  }
}
define('LSTM', 'stacked composite LSTM, 2 layers, last step of the top layer', stackedCase(lstmUnrolled, 5, 31), { lacks: ['LSTM'] });
// The composite keeps per-step forget gates and stacked residuals; a Scan backward takes them as [T, ·, B] sequences.
define('LSTM', 'composite LSTM (unrolled forward) with a Scan backward, window 4, using Y and Y_h', {
  ...lstmCase(4, 'both', true, 'scan', 340),
  build: (o, [X, W, R, Bv]) => {
    const { Y, Yh } = lstmUnrolled(o, X!, { W: W!, R: R!, B: Bv! }, H);
    return [Y, Yh];
  },
}, { has: ['Scan'], lacks: ['LSTM'] });

// --- losses built as composites -----------------------------------------------------------------------------------
define('MeanSquaredError', 'MSE composite: prediction [4,2] against target [4,2], both differentiated', {
  inputs: [input('y', [4, 2]), input('t', [4, 2])],
  build: (o, [y, t]) => loss(o, 'mse', y!, t!),
});
define('MeanSquaredError', 'MSE composite, symbolic batch, target not differentiated, scaled downstream', {
  inputs: [input('y', [3, 1], { shape: ['batch', 1] }), input('t', [3, 1], { shape: ['batch', 1], wrt: false })],
  build: (o, [y, t]) => o.mul(loss(o, 'mse', y!, t!), o.scalar(3)),
});

// --- GRU and RNN ---------------------------------------------------------------------------------------------------
/** ONNX's GRU (3 gates) or RNN (1): X [T,B,F], W, R, optionally B and initial_h, in PyTorch-like ranges. */
interface RecCase { T: number; use: LstmOut; bias?: boolean; h0?: boolean; lbr?: 0 | 1; recurrence?: RecurrenceMode; seed: number; hidden?: number }
function recurrentCase(op: 'GRU' | 'RNN', c: RecCase): GradCheck {
  const G = op === 'GRU' ? 3 : 1;
  const H = c.hidden ?? HIDDEN;
  const wb = 1 / Math.sqrt(H);
  const bias = c.bias ?? true;
  const inputs = [
    input('X', [c.T, B, F], { data: uniform(c.seed, c.T * B * F, 1) }),
    input('W', [1, G * H, F], { data: uniform(c.seed + 1, G * H * F, wb) }),
    // Over one step from zeros R meets only h₋₁ = 0: its gradient is exactly zero.
    input('R', [1, G * H, H], { data: uniform(c.seed + 2, G * H * H, wb), zeroGradient: c.T === 1 && !c.h0 }),
    ...(bias ? [input('B', [1, 2 * G * H], { data: uniform(c.seed + 3, 2 * G * H, wb) })] : []),
    ...(c.h0 ? [input('h0', [1, B, H], { data: uniform(c.seed + 4, B * H, 0.8) })] : []),
  ];
  return {
    inputs,
    mode: 'directions',
    recurrence: c.recurrence,
    seed: c.seed,
    build: (o, vs) => {
      const [X, W, R] = vs;
      const Bv = bias ? vs[3]! : null, h0 = c.h0 ? vs[vs.length - 1]! : null;
      const attrs = { hidden_size: attr.int(H), ...(op === 'GRU' ? { linear_before_reset: attr.int(c.lbr ?? 0) } : {}) };
      const [Y, Yh] = o.g.add(op, [X!, W!, R!, Bv, ...(h0 ? [null, h0] : [])], attrs, { count: 2 });
      return c.use === 'Y' ? [Y!] : c.use === 'Y_h' ? [Yh!] : [Y!, Yh!];
    },
  };
}
let recSeed = 500;
for (const op of ['GRU', 'RNN'] as const) {
  for (const lbr of op === 'GRU' ? ([0, 1] as const) : ([0] as const)) {
    const form = op === 'GRU' ? ` linear_before_reset ${lbr},` : '';
    for (const recurrence of ['scan', 'unrolled'] as const) {
      for (const T of [1, 4, 12]) {
        for (const use of ['Y', 'Y_h', 'both'] as const) {
          if (T === 12 && use !== 'both') continue;
          define(op, `${op}${form} ${recurrence}, window ${T}, using ${use}`, recurrentCase(op, { T, use, lbr, recurrence, seed: recSeed += 10 }),
            recurrence === 'scan' ? { has: ['Scan'] } : { lacks: ['Scan'] });
        }
      }
      define(op, `${op}${form} ${recurrence}, with initial_h (differentiated too)`, recurrentCase(op, { T: 4, use: 'both', lbr, h0: true, recurrence, seed: recSeed += 10 }));
      define(op, `${op}${form} ${recurrence}, without bias`, recurrentCase(op, { T: 3, use: 'Y_h', lbr, bias: false, recurrence, seed: recSeed += 10 }));
    }
    define(op, `${op}${form} with a symbolic window and batch (auto mode: Scan)`, {
      ...recurrentCase(op, { T: 5, use: 'both', lbr, seed: recSeed += 10 }),
      inputs: recurrentCase(op, { T: 5, use: 'both', lbr, seed: recSeed }).inputs.map((i) => (i.name === 'X' ? { ...i, shape: ['window', 'batch', F] } : i)),
    }, { has: ['Scan'] });
    define(op, `${op}${form} window 70 in auto mode (past the unroll limit: Scan)`, recurrentCase(op, { T: 70, use: 'Y_h', lbr, seed: recSeed += 10 }), { has: ['Scan'] });
  }
}
// As PyTorch's exporters write it: only Y as an output (dynamo), initial_h zeros expanded to [1,B,H] with B read from
// X at run time (legacy), so that its shape is unknown when the graph is built.
for (const [op, recurrence] of [['GRU', 'unrolled'], ['GRU', 'scan'], ['RNN', 'unrolled'], ['RNN', 'scan']] as const) {
  define(op, `${op} as exported, ${recurrence}: one output Y, initial_h = Expand(zeros, [1, Shape(X)[1], H])`, {
    ...recurrentCase(op, { T: 4, use: 'Y', lbr: 1, recurrence, seed: 900 }),
    build: (o, [X, W, R, Bv]) => {
      const dims = o.concat([o.ints([1]), o.gather(o.shape(X!), o.ints([1])), o.ints([H])], 0);
      const h0 = o.expand(o.floats([1, 1, H], new Float32Array(H)), dims);
      assert.deepEqual(h0.shape, [null, null, H], 'the case needs an initial_h whose batch is not known when built');
      const attrs = { hidden_size: attr.int(H), ...(op === 'GRU' ? { linear_before_reset: attr.int(1) } : { activations: attr.strings(['Tanh']) }) };
      return o.g.add(op, [X!, W!, R!, Bv!, null, h0], attrs, { count: 1 })[0]!;
    },
  });
}
// The composite: the GRU unrolled into standard ops, differentiated by the GRU rule with the gates it kept. At hidden 8
// the rule works per step (factors and parameter gradients from each step's own tensors), below it over all steps.
for (const linearBeforeReset of [false, true]) {
  for (const hidden of [H, 8]) {
    const size = hidden === H ? '' : `, hidden ${hidden}`;
    for (const T of [1, 3, 12]) {
      define('GRU', `composite GRU (unrolled forward), linear_before_reset ${+linearBeforeReset}, window ${T}${size}, using both`, {
        ...recurrentCase('GRU', { T, use: 'both', hidden, seed: 700 + T + (linearBeforeReset ? 50 : 0) + (hidden === H ? 0 : hidden) }),
        build: (o, [X, W, R, Bv]) => {
          const { Y, Yh } = gruUnrolled(o, X!, { W: W!, R: R!, B: Bv! }, hidden, { linearBeforeReset });
          return [Y, Yh];
        },
      }, { lacks: ['GRU', 'Scan'] });
    }
    for (const recurrence of ['unrolled', 'scan'] as const) {
      // With a Scan the rule stacks the per-step factors and forms the parameter gradients over all steps.
      define('GRU', `composite GRU, linear_before_reset ${+linearBeforeReset}${size}, ${recurrence} backward, with initial_h (differentiated too)`, {
        ...recurrentCase('GRU', { T: 4, use: 'both', h0: true, recurrence, hidden, seed: 760 + (linearBeforeReset ? 50 : 0) + (recurrence === 'scan' ? 5 : 0) + (hidden === H ? 0 : hidden) }),
        build: (o, [X, W, R, Bv, h0]) => {
          const { Y, Yh } = gruUnrolled(o, X!, { W: W!, R: R!, B: Bv! }, hidden, { linearBeforeReset, initialH: h0! });
          return [Y, Yh];
        },
      }, recurrence === 'scan' ? { lacks: ['GRU'], has: ['Scan'] } : { lacks: ['GRU', 'Scan'] });
    }
  }
  define('GRU', `stacked composite GRU, 2 layers, linear_before_reset ${+linearBeforeReset}, last step of the top layer`, {
    inputs: ['x', 'W1', 'R1', 'B1', 'W2', 'R2', 'B2'].map((n, k) => {
      const dims = [[B, 5, F], [1, 3 * H, F], [1, 3 * H, H], [1, 6 * H], [1, 3 * H, H], [1, 3 * H, H], [1, 6 * H]][k]!;
      return input(n, dims, { data: uniform(800 + k + (linearBeforeReset ? 10 : 0), dims.reduce((a, b) => a * b, 1), k === 0 ? 1 : 0.6) });
    }),
    mode: 'directions',
    build: (o, [x, W1, R1, B1, W2, R2, B2]) => {
      const l1 = gruUnrolled(o, o.transpose(x!, [1, 0, 2]), { W: W1!, R: R1!, B: B1! }, H, { linearBeforeReset });
      return o.squeeze(gruUnrolled(o, o.squeeze(l1.Y, [1]), { W: W2!, R: R2!, B: B2! }, H, { linearBeforeReset }).Yh, [0]);
    },
  }, { lacks: ['GRU'] });
}

// The forms the GRU and RNN rules do not differentiate are refused with their names; explicit default activations pass.
const recurrentForms: { form: string; attrs?: Record<string, Attr>; lens?: boolean; refused: string | null }[] = [
  { form: 'forward, default activations written out', refused: null },
  { form: 'direction reverse', attrs: { direction: attr.string('reverse') }, refused: 'direction other than forward' },
  { form: 'clip 3', attrs: { clip: attr.float(3) }, refused: 'clip' },
  { form: 'other activations', attrs: { activations: attr.strings(['Relu', 'Relu']) }, refused: 'custom activations' },
  { form: 'layout 1', attrs: { layout: attr.int(1) }, refused: 'layout 1' },
  { form: 'sequence_lens', lens: true, refused: 'sequence_lens' },
];
for (const op of ['GRU', 'RNN'] as const) {
  for (const { form, attrs = {}, lens, refused } of recurrentForms) {
    test(`${op} gradient, ${form}: ${refused === null ? 'differentiated' : `refused as "unsupported ${refused}"`}`, () => {
      const G = op === 'GRU' ? 3 : 1;
      const g = new Graph('rec_form');
      const o = new Ops(g);
      const X = g.input('X', 'float32', [3, B, F]);
      const W = g.input('W', 'float32', [1, G * H, F]);
      const R = g.input('R', 'float32', [1, G * H, H]);
      const defaults = op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
      const all = { hidden_size: attr.int(H), activations: attr.strings(defaults), ...attrs };
      const Yh = g.add(op, [X, W, R, null, lens ? g.input('lens', 'int32', [B]) : null], all, { count: 2 })[1]!;
      const run = () => gradients(g, o.reduceSum(Yh, [0, 1, 2]), [W]);
      if (refused === null) run();
      else assert.throws(run, { name: 'Error', message: `${op} gradient (node ${Yh.producer!.name}): unsupported ${refused}` });
    });
  }
}

test('LSTM: unrolled mode with a symbolic window is a clear error', () => {
  const g = new Graph('lstm');
  const o = new Ops(g);
  const X = g.input('X', 'float32', ['window', B, F]);
  const W = g.input('W', 'float32', [1, 4 * H, F]);
  const R = g.input('R', 'float32', [1, 4 * H, H]);
  const loss = o.reduceSum(lstm(o, X, { W, R, B: o.floats([1, 8 * H], new Array(8 * H).fill(0)) }, H).Yh, [0, 1, 2]);
  assert.throws(() => gradients(g, loss, [W, R], { recurrence: 'unrolled' }), /unrolled mode needs a fixed window/);
});

// Each form the LSTM rule does not differentiate, alone, must be refused with its own name: a guard removed or
// loosened would otherwise let a wrong gradient through. The plain forward LSTM beside them is differentiated.
const lstmForms: { form: string; attrs?: Record<string, Attr>; extra?: (g: Graph) => (Value | null)[]; refused: string | null }[] = [
  { form: 'forward, no optional inputs', refused: null },
  { form: 'direction reverse', attrs: { direction: attr.string('reverse') }, refused: 'direction other than forward' },
  { form: 'direction bidirectional', attrs: { direction: attr.string('bidirectional') }, refused: 'direction other than forward' },
  { form: 'clip 3', attrs: { clip: attr.float(3) }, refused: 'clip' },
  { form: 'activations HardSigmoid, Tanh, Tanh', attrs: { activations: attr.strings(['HardSigmoid', 'Tanh', 'Tanh']) }, refused: 'custom activations' },
  { form: 'input_forget 1', attrs: { input_forget: attr.int(1) }, refused: 'input_forget' },
  { form: 'layout 1', attrs: { layout: attr.int(1) }, refused: 'layout 1' },
  { form: 'sequence_lens', extra: (g) => [g.input('seq_lens', 'int32', [B])], refused: 'sequence_lens/initial states/peepholes' },
  { form: 'initial_h', extra: (g) => [null, g.input('h0', 'float32', [1, B, H])], refused: 'sequence_lens/initial states/peepholes' },
  { form: 'initial_c', extra: (g) => [null, null, g.input('c0', 'float32', [1, B, H])], refused: 'sequence_lens/initial states/peepholes' },
  { form: 'peepholes P', extra: (g) => [null, null, null, g.input('P', 'float32', [1, 3 * H])], refused: 'sequence_lens/initial states/peepholes' },
  { form: 'clip and layout 1 together', attrs: { clip: attr.float(3), layout: attr.int(1) }, refused: 'clip, layout 1' },
];
for (const { form, attrs = {}, extra, refused } of lstmForms) {
  test(`LSTM gradient, ${form}: ${refused === null ? 'differentiated' : `refused as "unsupported ${refused}"`}`, () => {
    const g = new Graph('lstm_form');
    const o = new Ops(g);
    const X = g.input('X', 'float32', [3, B, F]);
    const dirs = attrs.direction?.value === 'bidirectional' ? 2 : 1;
    const W = g.input('W', 'float32', [dirs, 4 * H, F]);
    const R = g.input('R', 'float32', [dirs, 4 * H, H]);
    const Bias = g.input('B', 'float32', [dirs, 8 * H]);
    const Yh = g.add('LSTM', [X, W, R, Bias, ...(extra?.(g) ?? [])], { hidden_size: attr.int(H), ...attrs }, { count: 2 })[1]!;
    const run = () => gradients(g, o.reduceSum(Yh, [0, 1, 2]), [W]);
    if (refused === null) run();
    else assert.throws(run, { name: 'Error', message: `LSTM gradient (node ${Yh.producer!.name}): unsupported ${refused}` });
  });
}

test('other unsupported forms fail clearly instead of giving a wrong gradient', () => {
  const g = new Graph('unsupported');
  const o = new Ops(g);
  const t = g.input('t', 'float32', [4, 5]);
  const end = o.shape(t, 1); // bounds computed in the graph
  const cut = o.sliceDynamic(t, o.ints([0]), end, [0]);
  assert.throws(() => gradients(g, o.reduceSum(cut, [0, 1]), [t]), /^Error: Slice gradient \(node n_slice_\d+\): starts, ends, axes and steps must be constant$/);
  const training = g.add('Dropout', [t, o.scalar(0.5), o.g.constant(new Tensor('bool', [], Uint8Array.from([1])))], {})[0]!;
  assert.throws(() => gradients(g, o.reduceSum(training, [0, 1]), [t]), /Dropout gradient \(node n_dropout_\d+\): only inference mode/);
  const b = g.input('b', 'float32', ['batch', 5]);
  assert.throws(() => gradients(g, o.reduceSum(o.concat([t, b], 0), [0, 1]), [t]), /Concat gradient \(node n_concat_\d+\): sizes along the axis must be fixed/);
});

// --- the table is complete -----------------------------------------------------------------------------------------
test('every registered gradient rule has a numerical check, and every check names a registered rule', () => {
  const registered = registeredOps();
  assert.ok(registered.length > 0, 'the rule table is empty: rules/index.ts was not loaded');
  assert.deepEqual(registered.filter((op) => !cases.has(op)), [], 'rules without a gradient check');
  assert.deepEqual([...cases.keys()].filter((op) => !registered.includes(op)).sort(), [], 'checks for ops with no rule');
});

for (const [op, list] of cases) {
  for (const { name, check, emits } of list) {
    test(`${op}: ${name}`, async () => {
      const r = await checkGradients(check);
      const ops = new Set(r.graph.nodes.map((n) => n.op));
      // An op may also appear as a composite (unrolled into standard ops, differentiated by the op's rule).
      const used = ops.has(op) || r.graph.composites.some((c) => c.node.op === op);
      assert.ok(used, `the case does not use ${op}`);
      for (const e of emits.has ?? []) assert.ok(ops.has(e), `the gradient graph has no ${e}`);
      for (const e of emits.lacks ?? []) assert.ok(!ops.has(e), `the gradient graph has a ${e}`);
    });
  }
}

after(() => {
  const s = gradcheckStats();
  console.log(`# gradcheck: ${s.cases} cases, ${s.checks} comparisons; worst |err|/(${GRAD_ABS} + ${GRAD_REL}·scale) = ${s.worstRatio.toExponential(2)}, ` +
    `max abs err ${s.maxAbsErr.toExponential(2)}, max rel err ${s.maxRelErr.toExponential(2)}`);
});
