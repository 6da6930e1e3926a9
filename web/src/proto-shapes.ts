// Shapes of a GraphProto's intermediate values, for the graph view's edges: the graph is rebuilt node by node
// with the builder's own shape inference (src/graph/shape.ts), which knows every op this project emits. A node it
// cannot infer (an op it has no rule for, a value it cannot see) leaves its outputs unknown rather than guessed.
import { Graph } from '../../src/graph/graph.ts';
import type { Attrs } from '../../src/graph/node.ts';
import type { Value } from '../../src/graph/value.ts';
import { dtypeFromCode } from '../../src/onnx/dtype.ts';
import type { OnnxTypes as T } from '../../src/onnx/proto.ts';
import { onnx, toNumber } from '../../src/onnx/proto.ts';
import { tensorFromProto } from '../../src/onnx/tensor-proto.ts';
import type { Dims } from './graph-model.ts';

/** Tensors of at most this many values are read for their values; larger ones only for their dims. */
const MAX_READ = 64;

function attrs(node: T.INodeProto): Attrs | null {
  const A = onnx.AttributeProto.AttributeType;
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const out: Attrs = {};
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    if (a.type === A.INT) out[name] = { type: 'int', value: toNumber(a.i as number) };
    else if (a.type === A.FLOAT) out[name] = { type: 'float', value: a.f ?? 0 };
    else if (a.type === A.STRING) out[name] = { type: 'string', value: text(a.s ?? new Uint8Array()) };
    else if (a.type === A.INTS) out[name] = { type: 'ints', value: (a.ints ?? []).map((x) => toNumber(x as number)) };
    else if (a.type === A.FLOATS) out[name] = { type: 'floats', value: [...(a.floats ?? [])] };
    else if (a.type === A.STRINGS) out[name] = { type: 'strings', value: (a.strings ?? []).map(text) };
    // Tensor and graph attributes (Constant's value is read apart; Loop, Scan, If) are beyond these rules.
    else return null;
  }
  return out;
}

/** The shapes inference finds for values `known` does not already have, by value name. */
export function inferredShapes(graph: T.IGraphProto, known: ReadonlyMap<string, Dims>): Map<string, Dims> {
  const g = new Graph('view');
  const values = new Map<string, Value>();
  const out = new Map<string, Dims>();
  const unknown = () => g.input('unknown', 'float32', null as unknown as Dims, true);
  // Only small tensors are read (shape inference needs the values of axes and shapes, never of weights); the
  // rest enter with their dims alone, so a model with large weights costs nothing here.
  const tensorValue = (t: T.ITensorProto) => {
    const dims = (t.dims ?? []).map((d) => toNumber(d as number));
    const dtype = dtypeFromCode(t.dataType ?? 0) ?? 'float32';
    if (dims.reduce((a, b) => a * b, 1) <= MAX_READ && t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) {
      try {
        return g.constant(tensorFromProto(t, t.name ?? ''));
      } catch {
        // Unreadable: its dims are still known.
      }
    }
    return g.input('tensor', dtype, dims, true);
  };
  for (const t of graph.initializer ?? []) values.set(t.name ?? '', tensorValue(t));
  for (const v of graph.input ?? []) {
    if (!v.name || values.has(v.name)) continue;
    const dtype = dtypeFromCode(v.type?.tensorType?.elemType ?? 0) ?? 'float32';
    values.set(v.name, g.input('in', dtype, known.get(v.name) ?? (null as unknown as Dims), true));
  }
  for (const n of graph.node ?? []) {
    const outs = n.output ?? [];
    let made: Value[] | null = null;
    try {
      const a = n.opType === 'Constant' ? null : attrs(n);
      const value = n.opType === 'Constant' ? n.attribute?.find((x) => x.name === 'value')?.t : undefined;
      if (value) made = [tensorValue(value)];
      else if (a && !n.domain) {
        const ins = (n.input ?? []).map((name) => (name ? values.get(name) : null));
        if (ins.every((v) => v !== undefined)) made = g.add(n.opType ?? '', ins as (Value | null)[], a, { count: outs.length });
      }
    } catch {
      made = null;
    }
    outs.forEach((name, i) => {
      if (!name) return;
      const v = made?.[i] ?? unknown();
      values.set(name, v);
      if (v.shape && !known.has(name)) out.set(name, [...v.shape]);
    });
  }
  return out;
}
