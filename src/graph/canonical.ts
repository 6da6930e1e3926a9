// Rewrites an imported graph into the forms the autodiff and our fast paths know, computing the same outputs:
// - integer tensors computed from shapes (Shape -> Gather -> Concat ...) are folded into constants where every dim
//   is fixed, and a Reshape whose target holds one run-time dim (the batch) gets a constant target with -1;
// - the zero initial states PyTorch's exporters build at run time (Shape -> ConstantOfShape or Expand, then Slice
//   per layer) become absent inputs of LSTM/GRU/RNN, which is what zero means to ONNX; any other state computed
//   from the model's inputs is refused;
// - recurrent layers in layout 1 (batch first) become layout 0 between Transposes;
// - Constant nodes become constants, Identity and inference-mode Dropout disappear;
// - whatever no output needs any more is removed.
import { Tensor } from '../onnx/tensor.ts';
import { constantNodeValue } from './constant-node.ts';
import { ModelError } from './errors.ts';
import type { Graph } from './graph.ts';
import { Node, type Attrs } from './node.ts';
import { Ops } from './ops.ts';
import { prune } from './prune.ts';
import { rebuild, type Copy } from './rebuild.ts';
import { propagate, type DimVector } from './shape-values.ts';
import type { Value } from './value.ts';

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);
/** The symbol a relaxed batch dim gets. */
export const BATCH = 'batch';
/** Ops that keep a zero tensor zero, whatever their other inputs. */
const ZERO_PRESERVING = new Set(['Expand', 'Slice', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose', 'Identity', 'Cast', 'Tile', 'Flatten']);

/** `relaxBatch`: inputs whose first dim is fixed get the symbol 'batch' there instead (the caller checks that the
 *  outputs follow it: a graph that builds the fixed size in does not). */
export function canonicalise(g: Graph, source: string, opts: { relaxBatch?: boolean } = {}): Graph {
  const vectors = new Map<Value, DimVector>();
  const zeros = new Set<Value>();
  const known = (v: Value | null): DimVector | null => {
    if (!v) return null;
    const t = v.constValue;
    if (t && (t.dtype === 'int64' || t.dtype === 'int32') && t.dims.length <= 1) return { scalar: t.dims.length === 0, dims: t.numbers() };
    return vectors.get(v) ?? null;
  };
  const label = (n: Node) => `${source}: node ${JSON.stringify(n.name)} (${n.op})`;

  const inputShapes = new Map(opts.relaxBatch ? g.inputs.filter((v) => typeof v.shape?.[0] === 'number').map((v) => [v, [BATCH, ...v.shape!.slice(1)]]) : []);
  const out = rebuild(g, (node, inputs, into, copy) => {
    const o = new Ops(into);
    const view = new Node(node.op, node.name, inputs, node.outputs, node.attrs);
    // Folded values keep the name of the value they replace: a name of the source's, which no graph built from
    // this one makes up (a made-up `const_N` could meet one of that graph's own).
    const folded = (t: Tensor) => [into.initializer(node.outputs[0]!.name, t)];
    if (node.op === 'Constant') return folded(constantNodeValue(node.attrs));
    if (node.op === 'Identity') return [inputs[0]!];
    if (node.op === 'Dropout') return dropout(node, inputs, label(node));
    if (RECURRENT.has(node.op)) return recurrent(o, node, inputs, copy, (v) => zeros.has(v), label(node));
    const dtype = node.outputs[0]?.dtype;
    const vec = node.outputs.length === 1 && (dtype === 'int64' || dtype === 'int32') ? propagate(view, known) : null;
    if (vec && vec.dims.every((d) => typeof d === 'number')) {
      const dims = vec.scalar ? [] : [vec.dims.length];
      const values = vec.dims as number[];
      return folded(dtype === 'int64' ? Tensor.int64(dims, values) : new Tensor('int32', dims, Int32Array.from(values)));
    }
    const outs = node.op === 'Reshape' && !inputs[1]?.constValue ? reshape(o, node, inputs, known, copy) : copy();
    if (vec) vectors.set(outs[0]!, vec);
    if (makesZero(view, zeros)) zeros.add(outs[0]!);
    return outs;
  }, { inputShapes });
  prune(out);
  return out;
}

/** Whether `n` (with its copied inputs) makes an all-zero tensor. */
function makesZero(n: Node, zeros: Set<Value>): boolean {
  if (n.op === 'ConstantOfShape') {
    const v = n.attrs.value;
    return !v || (v.type === 'tensor' && isZeroTensor(v.value));
  }
  if (n.op === 'Concat') return n.inputs.every((v) => v && zeros.has(v));
  return ZERO_PRESERVING.has(n.op) && !!n.inputs[0] && (zeros.has(n.inputs[0]) || isZeroTensor(n.inputs[0].constValue));
}

function isZeroTensor(t: Tensor | null): boolean {
  return !!t && Array.from(t.data as ArrayLike<number | bigint>).every((x) => Number(x) === 0);
}

/** A Reshape whose target is computed at run time: a constant target when at most one of its dims is not fixed
 *  (-1 there) or the unfixed ones are the input's own dims at the same place (0: copy). */
function reshape(o: Ops, node: Node, inputs: (Value | null)[], known: (v: Value | null) => DimVector | null, copy: Copy): Value[] {
  const [x, target] = inputs as [Value, Value];
  const vec = known(target);
  const allowZero = node.int('allowzero', 0) === 1;
  if (!vec || vec.scalar || (allowZero && vec.dims.includes(0))) return copy();
  const copies = vec.dims.map((d, i) => typeof d === 'string' && x.shape?.[i] === d);
  const unfixed = vec.dims.filter((d) => typeof d !== 'number').length;
  if (vec.dims.filter((d, i) => typeof d !== 'number' && !copies[i]).length > 1) return copy();
  const dims = vec.dims.map((d, i) => (typeof d === 'number' ? d : unfixed > 1 && copies[i] ? 0 : -1));
  const attrs: Attrs = { ...node.attrs };
  delete attrs.allowzero;
  return copy([x, o.g.initializer(`${node.outputs[0]!.name}.shape`, Tensor.int64([dims.length], dims))], attrs);
}

function dropout(node: Node, inputs: (Value | null)[], where: string): Value[] {
  if (node.outputs[1] && (node.outputs[1].uses.length > 0 || node.outputs[1].graph.outputs.includes(node.outputs[1]))) {
    throw new ModelError(`${where}: the model uses Dropout's mask, which only training-mode dropout makes`);
  }
  if (inputs[2] && !isZeroTensor(inputs[2].constValue)) throw new ModelError(`${where}: Dropout in training mode is not supported; export the model in eval() mode`);
  return [inputs[0]!];
}

/** LSTM/GRU/RNN: zero initial states become absent, layout 1 becomes layout 0, and reverse and bidirectional
 *  layers become forward ones (what the rules and the unrolled composites know) over time-reversed sequences. */
function recurrent(o: Ops, node: Node, inputs: (Value | null)[], copy: Copy, isZero: (v: Value) => boolean, where: string): Value[] {
  const direction = node.string('direction', 'forward');
  if (inputs[4]) throw new ModelError(`${where}: sequence_lens (sequences of different lengths in one batch) is not supported`);
  const ins = [...inputs];
  for (const k of node.op === 'LSTM' ? [5, 6] : [5]) {
    const v = ins[k];
    if (!v) continue;
    if (isZero(v) || isZeroTensor(v.constValue)) ins[k] = null;
    else if (dependsOnInputs(v)) {
      throw new ModelError(`${where}: its initial state ${JSON.stringify(v.name)} is computed from the model's inputs and is not zero; ingraph trains recurrent layers from a zero or constant initial state only`);
    }
  }
  while (ins.length > 0 && ins[ins.length - 1] === null) ins.pop();
  const batchFirst = node.int('layout', 0) === 1;
  if (!batchFirst && direction === 'forward') return copy(ins);
  // Batch first: [B, T, F] in, Y [B, T, D, H] and states [B, D, H] out; the same op in layout 0 between Transposes.
  const swap = (v: Value | null | undefined) => (v ? (batchFirst ? o.transpose(v, [1, 0, 2]) : v) : null);
  const timeMajor = [swap(ins[0]), ...ins.slice(1, 5), ...ins.slice(5, 7).map(swap), ...ins.slice(7)];
  const attrs: Attrs = { ...node.attrs };
  delete attrs.layout;
  delete attrs.direction;
  const count = node.outputs.length;
  const run = (xs: (Value | null)[]) => o.g.add(node.op, xs, attrs, { count });
  let outs: Value[];
  if (direction === 'forward') outs = run(timeMajor);
  else if (direction === 'reverse') {
    const r = run([reverseTime(o, timeMajor[0]!), ...timeMajor.slice(1)]);
    outs = [reverseTime(o, r[0]!), ...r.slice(1)];
  } else if (direction === 'bidirectional') {
    // Every per-direction input ([2, …]: weights, biases, states, peepholes) splits in two along its first axis.
    const halves = timeMajor.map((v, k) => (v && k > 0 && k !== 4 ? o.split(v, 0, [1, 1]) : [v, v]));
    const fwd = run(halves.map((h) => h[0]!));
    const bwd = run(halves.map((h, k) => (k === 0 ? reverseTime(o, timeMajor[0]!) : h[1]!)));
    outs = [o.concat([fwd[0]!, reverseTime(o, bwd[0]!)], 1), ...fwd.slice(1).map((v, k) => o.concat([v, bwd[k + 1]!], 0))];
  } else throw new ModelError(`${where}: direction ${JSON.stringify(direction)} is not one ONNX defines`);
  return batchFirst ? outs.map((v, k) => o.transpose(v, k === 0 ? [2, 0, 1, 3] : [1, 0, 2])) : outs;
}

/** A time-major sequence [T, …] in reverse order: Slice with step -1 from the last step through the first. */
function reverseTime(o: Ops, v: Value): Value {
  return o.g.add('Slice', [v, o.ints([-1]), o.g.constant(Tensor.int64([1], [-(2n ** 63n)])), o.ints([0]), o.ints([-1])], {})[0]!;
}

/** Whether `v` is computed, at run time, from a graph input (not only from constants). */
function dependsOnInputs(v: Value): boolean {
  const seen = new Set<Value>();
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (x.constValue) continue;
    if (!x.producer) return true;
    for (const i of x.producer.inputs) if (i) stack.push(i);
  }
  return false;
}
