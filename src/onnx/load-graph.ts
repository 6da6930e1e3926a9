// ModelProto -> the builder's Graph, so that a model another tool wrote (PyTorch's exporters) is the same object
// model as one we built: Values with producers and uses, typed attributes, initializers as Tensors, Constant nodes,
// Loop/Scan/If bodies as subgraphs. The graph is loaded as written, normalised to the opset we emit (reduce axes
// as inputs); what changes its computation for training lives in src/graph/canonical.ts. Pure: tensors come from
// validateModel (external data already resolved by the caller's reader).
import type { onnx as T } from 'onnx-proto';
import { constantNodeValue } from '../graph/constant-node.ts';
import { Graph } from '../graph/graph.ts';
import type { Attr, Attrs } from '../graph/node.ts';
import { canInfer, inferShapes, refine, type Out } from '../graph/shape.ts';
import type { Dim, Value } from '../graph/value.ts';
import { codeName, dtypeFromCode } from './dtype.ts';
import { OnnxError, quote } from './errors.ts';
import { onnx, toNumber } from './proto.ts';
import { Tensor } from './tensor.ts';
import { OPSET } from './versions.ts';

/** The default-domain opsets a model may be written at: 13 put Squeeze/Unsqueeze/Split's axes into inputs, which
 *  is the form every later one shares; 20 is the newest ONNX Runtime 1.29 and we know. */
export const MIN_IMPORT_OPSET = 13;
export const MAX_IMPORT_OPSET = 20;
/** IR 10 is what PyTorch's dynamo exporter writes (it adds fields protobuf skips: node metadata, overloads). */
export const MAX_IMPORT_IR = 10;

export interface ImportedGraph {
  graph: Graph;
  /** The source's default-domain opset; the graph itself is in the form of max(opset, OPSET). */
  opset: number;
  irVersion: number;
  producer: string;
  /** The main graph's initializer names, in the source's order: its weights and constants. */
  initializers: string[];
}

/** Reduce ops that took their axes as an attribute until opset 18 (ReduceSum moved at 13). */
const AXES_TO_INPUT_AT_18 = new Set(['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']);

/** The opset a graph loaded from a model of `source` opset can be written at: the source's own, or 17 at the least
 *  (the oldest we emit); 18 when the graph holds a form that opset 17 does not have (reduce axes as an input). */
export function emitOpset(g: Graph, source: number): number {
  if (source >= 18) return source;
  const newer = (h: Graph): boolean => h.nodes.some((n) =>
    (AXES_TO_INPUT_AT_18.has(n.op) && !!n.inputs[1]) || (n.op === 'Split' && !!n.attrs.num_outputs) ||
    Object.values(n.attrs).some((a) => a.type === 'graph' && newer(a.value)));
  return newer(g) ? 18 : 17;
}

/** Names visible in a graph: its own, then the enclosing graphs' (a body may read outer values). */
class Scope {
  private readonly names = new Map<string, Value>();
  constructor(private readonly outer: Scope | null) {}

  get(name: string): Value | undefined {
    return this.names.get(name) ?? this.outer?.get(name);
  }

  set(name: string, v: Value): void {
    this.names.set(name, v);
  }
}

interface Context {
  source: string;
  opset: number;
  tensors: ReadonlyMap<T.ITensorProto, Tensor>;
}

export function graphFromModel(model: T.IModelProto, tensors: ReadonlyMap<T.ITensorProto, Tensor>, source: string): ImportedGraph {
  const irVersion = toNumber(model.irVersion as number);
  if (irVersion > MAX_IMPORT_IR) throw new OnnxError(`${source}: IR version ${irVersion} is newer than ingraph reads (up to ${MAX_IMPORT_IR})`);
  const imports = (model.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx');
  if (imports.length === 0) throw new OnnxError(`${source}: the model imports no default-domain (ai.onnx) opset`);
  const opset = toNumber(imports[0]!.version as number);
  if (opset < MIN_IMPORT_OPSET || opset > MAX_IMPORT_OPSET) {
    throw new OnnxError(`${source}: opset ${opset}; ingraph reads opsets ${MIN_IMPORT_OPSET} to ${MAX_IMPORT_OPSET} (re-export with opset_version=${OPSET})`);
  }
  const gp = model.graph!;
  const graph = new Graph(gp.name || 'main');
  buildGraph(gp, graph, new Scope(null), { source, opset, tensors }, `${source}: graph ${quote(gp.name ?? '')}`);
  return {
    graph,
    opset,
    irVersion,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    initializers: (gp.initializer ?? []).map((t) => t.name ?? ''),
  };
}

function buildGraph(gp: T.IGraphProto, g: Graph, scope: Scope, ctx: Context, where: string): void {
  const inits = new Set((gp.initializer ?? []).map((t) => t.name ?? ''));
  // Declared types, to complete what inference cannot tell (dims computed at run time).
  const declared = new Map<string, Out>();
  for (const vi of [...(gp.valueInfo ?? []), ...(gp.output ?? [])]) {
    const t = valueType(vi, where, false);
    if (t) declared.set(vi.name ?? '', t);
  }
  const named = <R>(what: string, f: () => R): R => {
    try {
      return f();
    } catch (e) {
      if (e instanceof OnnxError) throw e;
      throw new OnnxError(`${where}: ${what}: ${(e as Error).message}`);
    }
  };
  // An initializer listed as an input too (IR < 4 requires it) is read as the weight it is.
  for (const vi of gp.input ?? []) {
    const name = vi.name ?? '';
    if (inits.has(name)) continue;
    const t = valueType(vi, where, true)!;
    scope.set(name, named(`input ${quote(name)}`, () => g.input(name, t.dtype, t.shape)));
  }
  for (const tp of gp.initializer ?? []) {
    const name = tp.name ?? '';
    scope.set(name, named(`initializer ${quote(name)}`, () => g.initializer(name, ctx.tensors.get(tp)!)));
  }
  (gp.node ?? []).forEach((np, i) => {
    const op = np.opType ?? '';
    const label = `node ${i} (${quote(op)}${np.name ? ` ${quote(np.name)}` : ''})`;
    if (np.domain && np.domain !== 'ai.onnx') {
      throw new OnnxError(`${where}: ${label} is in domain ${quote(np.domain)}; ingraph reads standard ONNX ops (the default domain) only`);
    }
    const inputs = (np.input ?? []).map((name) => (name === '' ? null : scope.get(name)!));
    const attrs: Attrs = {};
    for (const a of np.attribute ?? []) attrs[a.name ?? ''] = attribute(a, g, scope, ctx, `${where}: ${label} attribute ${quote(a.name ?? '')}`);
    if (ctx.opset < 18 && AXES_TO_INPUT_AT_18.has(op) && attrs.axes?.type === 'ints') {
      inputs[1] = g.constant(Tensor.int64([attrs.axes.value.length], attrs.axes.value));
      delete attrs.axes;
    }
    const names = np.output ?? [];
    const count = names.length;
    const types = named(label, () => {
      if (canInfer(op)) return inferShapes(op, inputs, attrs, count).map((t, k) => refine(t, declared.get(names[k] ?? '')));
      const known = names.map((n) => declared.get(n));
      if (known.every((t) => t)) return known as Out[];
      throw new Error(`ingraph does not know op ${quote(op)} and the model does not declare its output types`);
    });
    const outputs = named(label, () => g.add(op, inputs, attrs, { names: [...names], types: types.slice(0, count), nodeName: np.name ?? undefined }));
    if (op === 'Constant') outputs[0]!.constValue = constantNodeValue(attrs);
    outputs.forEach((v, k) => names[k] && scope.set(names[k]!, v));
  });
  for (const vi of gp.output ?? []) {
    const name = vi.name ?? '';
    const v = scope.get(name)!;
    named(`output ${quote(name)}`, () => (v.graph === g && !g.inputs.includes(v) && !g.outputs.includes(v) ? g.outputs.push(v) : g.output(v, name === v.name ? undefined : name)));
  }
}

function valueType(vi: T.IValueInfoProto, where: string, required: boolean): Out | null {
  const tt = vi.type?.tensorType;
  if (!tt) {
    if (!required) return null;
    throw new OnnxError(`${where}: ${quote(vi.name ?? '')} is not a tensor (sequences, maps and optionals are not supported)`);
  }
  const dtype = dtypeFromCode(tt.elemType ?? 0);
  if (!dtype) {
    if (!required) return null;
    throw new OnnxError(`${where}: ${quote(vi.name ?? '')} has element type ${codeName(tt.elemType ?? 0)}, which ingraph does not read`);
  }
  const shape = tt.shape ? (tt.shape.dim ?? []).map((d): Dim => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue as number) : null)) : null;
  return { dtype, shape };
}

function attribute(a: T.IAttributeProto, g: Graph, scope: Scope, ctx: Context, where: string): Attr {
  const A = onnx.AttributeProto.AttributeType;
  const text = (b: Uint8Array | null | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
  if (a.refAttrName) throw new OnnxError(`${where} refers to a function's attribute, which ingraph does not read`);
  switch (a.type) {
    case A.INT: return { type: 'int', value: toNumber(a.i as number) };
    case A.FLOAT: return { type: 'float', value: a.f ?? 0 };
    case A.STRING: return { type: 'string', value: text(a.s) };
    case A.INTS: return { type: 'ints', value: (a.ints ?? []).map((v) => toNumber(v as number)) };
    case A.FLOATS: return { type: 'floats', value: [...(a.floats ?? [])] };
    case A.STRINGS: return { type: 'strings', value: (a.strings ?? []).map(text) };
    case A.TENSOR: return { type: 'tensor', value: ctx.tensors.get(a.t!)! };
    case A.GRAPH: {
      const body = g.subgraph(a.g!.name || a.name || 'body');
      buildGraph(a.g!, body, new Scope(scope), ctx, `${where} graph ${quote(a.g!.name ?? '')}`);
      return { type: 'graph', value: body };
    }
    default: throw new OnnxError(`${where} has type ${A[a.type ?? 0] ?? a.type}, which ingraph does not read`);
  }
}
