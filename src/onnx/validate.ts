// Checks a decoded ModelProto before anything runs it: a graph whose every value is defined before it is used, dims
// that are numbers, and tensors ingraph can read (external data through the caller's reader, which decides what a
// location may name). Pure: the file system stays on the Node side (src/node/onnx-file.ts).
import type { onnx as T } from 'onnx-proto';
import { formatDims, OnnxError, quote } from './errors.ts';
import { toNumber } from './proto.ts';
import type { Tensor } from './tensor.ts';
import { tensorFromProto, type ExternalReader } from './tensor-proto.ts';

/** Loop/Scan/If bodies nest; real models go a few levels deep, a hostile file could go thousands (stack overflow). */
const MAX_NESTING = 32;

/** Names visible in a graph: its own, then those of the graphs around it (a subgraph may read outer values). */
class Scope {
  readonly names = new Set<string>();
  constructor(readonly outer: Scope | null) {}

  has(name: string): boolean {
    for (let s: Scope | null = this; s; s = s.outer) if (s.names.has(name)) return true;
    return false;
  }
}

export interface ModelTensors {
  /** The main graph's initializers by name. */
  weights: Map<string, Tensor>;
  /** Every tensor of the model (subgraph initializers and tensor attributes too) by its message: read once, here,
   *  since external data may be read only once (src/node/onnx-file.ts counts the bytes). */
  byProto: Map<T.ITensorProto, Tensor>;
}

/**
 * Validates `model` and returns its tensors. Throws an OnnxError naming `source`, the graph and the value for the
 * first problem found.
 */
export function validateModel(model: T.IModelProto, source: string, external?: ExternalReader): ModelTensors {
  for (const o of model.opsetImport ?? []) {
    const v = toNumber(o.version as number);
    if (!Number.isSafeInteger(v) || v < 1) throw new OnnxError(`${source}: opset_import for domain ${quote(o.domain ?? '')} has version ${v}`);
  }
  if (!model.graph) throw new OnnxError(`${source}: not an ONNX model (no graph)`);
  const ctx: Context = { source, external, weights: new Map(), byProto: new Map() };
  checkGraph(model.graph, new Scope(null), `${source}: graph ${quote(model.graph.name ?? '')}`, 0, ctx);
  return { weights: ctx.weights, byProto: ctx.byProto };
}

interface Context {
  source: string;
  external?: ExternalReader;
  weights: Map<string, Tensor>;
  byProto: Map<T.ITensorProto, Tensor>;
}

function checkGraph(g: T.IGraphProto, outer: Scope, where: string, depth: number, ctx: Context): void {
  if (depth > MAX_NESTING) throw new OnnxError(`${where}: subgraphs nest more than ${MAX_NESTING} deep`);
  const scope = new Scope(outer);
  const define = (name: string | null | undefined, what: string) => {
    if (!name) throw new OnnxError(`${where}: ${what} has no name`);
    if (scope.names.has(name)) throw new OnnxError(`${where}: ${quote(name)} is defined twice`);
    scope.names.add(name);
  };

  for (const v of g.input ?? []) {
    define(v.name, 'an input');
    checkValueInfo(v, where);
  }
  if ((g.sparseInitializer ?? []).length > 0) throw new OnnxError(`${where}: sparse initializers are not supported`);
  const initNames = new Set<string>();
  for (const tp of g.initializer ?? []) {
    const name = tp.name ?? '';
    if (initNames.has(name)) throw new OnnxError(`${where}: initializer ${quote(name)} is defined twice`);
    initNames.add(name);
    // An initializer may also be listed as an input (IR < 4 requires it; later IRs read it as a default value).
    if (!scope.names.has(name)) define(name, 'an initializer');
    const t = tensorFromProto(tp, where, ctx.external);
    ctx.byProto.set(tp, t);
    if (depth === 0) ctx.weights.set(name, t);
  }

  (g.node ?? []).forEach((node, i) => {
    const op = node.opType ?? '';
    const label = `node ${i} (${op ? quote(op) : 'no op type'}${node.name ? ` ${quote(node.name)}` : ''})`;
    if (!op) throw new OnnxError(`${where}: ${label} has no op type`);
    for (const input of node.input ?? []) {
      // "" marks an optional input left out.
      if (input !== '' && !scope.has(input)) {
        throw new OnnxError(`${where}: ${label} reads ${quote(input)}, which no input, initializer or earlier node defines`);
      }
    }
    for (const a of node.attribute ?? []) {
      const at = `${where}: ${label} attribute ${quote(a.name ?? '')}`;
      if (a.sparseTensor || (a.sparseTensors ?? []).length > 0) throw new OnnxError(`${at} holds a sparse tensor, which ingraph does not read`);
      for (const t of a.t ? [a.t, ...(a.tensors ?? [])] : a.tensors ?? []) ctx.byProto.set(t, tensorFromProto(t, at, ctx.external));
      // Deep inside, the path to a subgraph would make a message of kilobytes: name the innermost levels only.
      const inner = (sg: T.IGraphProto) => `${depth < 2 ? at : `${ctx.source}: … ${label} attribute ${quote(a.name ?? '')}`} graph ${quote(sg.name ?? '')}`;
      for (const sg of a.g ? [a.g, ...(a.graphs ?? [])] : a.graphs ?? []) checkGraph(sg, scope, inner(sg), depth + 1, ctx);
    }
    for (const output of node.output ?? []) if (output !== '') define(output, `${label}'s output`);
  });

  for (const v of g.output ?? []) {
    if (!v.name || !scope.has(v.name)) throw new OnnxError(`${where}: output ${quote(v.name ?? '')} is not computed by any node`);
    checkValueInfo(v, where);
  }
  for (const v of g.valueInfo ?? []) checkValueInfo(v, where);
}

/** Declared shapes: each dim a whole number ≥ 0, a symbolic name, or unknown. */
function checkValueInfo(v: T.IValueInfoProto, where: string): void {
  const dims = v.type?.tensorType?.shape?.dim ?? [];
  const values = dims.map((d) => (d.dimValue == null ? 0 : toNumber(d.dimValue as number)));
  if (values.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new OnnxError(`${where}: ${quote(v.name ?? '')} declares invalid dims ${formatDims(values)}`);
  }
}
