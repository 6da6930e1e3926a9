// The builder's Graph -> ModelProto. Deterministic: nodes in insertion order, attributes sorted by name, tensors as
// raw little-endian bytes, so the same graph always gives the same bytes.
import type { onnx as T } from 'onnx-proto';
import type { Graph } from '../graph/graph.ts';
import type { Attr } from '../graph/node.ts';
import type { Value } from '../graph/value.ts';
import { DTYPE_CODE } from './dtype.ts';
import { encodeModel } from './codec.ts';
import { onnx } from './proto.ts';
import { tensorToProto } from './tensor-proto.ts';

import { INGRAPH_VERSION, IR_VERSION, OPSET, PRODUCER } from './versions.ts';

export { IR_VERSION, OPSET, PRODUCER };

function valueInfo(v: Value): T.IValueInfoProto {
  const dims = v.shape?.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {}));
  return {
    name: v.name,
    type: { tensorType: { elemType: DTYPE_CODE[v.dtype], ...(dims ? { shape: { dim: dims } } : {}) } },
  };
}

function attribute(name: string, a: Attr): T.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case 'int': return { name, type: A.INT, i: a.value };
    case 'float': return { name, type: A.FLOAT, f: a.value };
    case 'string': return { name, type: A.STRING, s: new TextEncoder().encode(a.value) };
    case 'ints': return { name, type: A.INTS, ints: a.value };
    case 'floats': return { name, type: A.FLOATS, floats: a.value };
    case 'strings': return { name, type: A.STRINGS, strings: a.value.map((s) => new TextEncoder().encode(s)) };
    case 'tensor': return { name, type: A.TENSOR, t: tensorToProto(name, a.value) };
    case 'graph': return { name, type: A.GRAPH, g: graphProto(a.value) };
  }
}

export function graphProto(g: Graph): T.IGraphProto {
  return {
    name: g.name,
    input: g.inputs.map(valueInfo),
    output: g.outputs.map(valueInfo),
    initializer: [...g.initializers].map(([v, t]) => tensorToProto(v.name, t)),
    node: g.nodes.map((n) => ({
      opType: n.op,
      name: n.name,
      input: n.inputs.map((v) => v?.name ?? ''),
      output: n.outputs.map((v) => v.name),
      attribute: Object.keys(n.attrs).sort().map((k) => attribute(k, n.attrs[k]!)),
    })),
  };
}

export interface ModelMeta {
  doc?: string;
  /** The default domain's opset the model imports (default OPSET): a model using a newer op says so. */
  opset?: number;
  metadata?: Record<string, string>;
}

export function modelProto(g: Graph, meta: ModelMeta = {}): T.IModelProto {
  if (g.parent) throw new Error('only a root graph can be a model');
  return {
    irVersion: IR_VERSION,
    producerName: PRODUCER,
    producerVersion: INGRAPH_VERSION,
    docString: meta.doc ?? '',
    opsetImport: [{ domain: '', version: meta.opset ?? OPSET }],
    metadataProps: Object.entries(meta.metadata ?? {}).sort().map(([key, value]) => ({ key, value })),
    graph: graphProto(g),
  };
}

export function serializeModel(g: Graph, meta: ModelMeta = {}): Uint8Array {
  return encodeModel(modelProto(g, meta));
}
