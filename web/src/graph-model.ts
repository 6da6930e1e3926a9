// What the graph view draws, worked out from a GraphProto without the DOM: boxes for inputs, nodes and outputs,
// edges named by the values they carry, the bodies of Loop/Scan/If nodes the reader expanded (as clusters), and
// Constant and shape-only nodes folded into the node they feed when the reader asks for that.
import type { OnnxTypes as T } from '../../src/onnx/proto.ts';
import { onnx, toNumber } from '../../src/onnx/proto.ts';
import { inferredShapes } from './proto-shapes.ts';

export type Dims = (number | string | null)[];

export interface Box {
  id: string;
  kind: 'input' | 'output' | 'node';
  /** Op type for nodes, the value's name for inputs and outputs. */
  title: string;
  detail: string;
  /** The cluster (expanded body) holding this box, if any. */
  parent: string | null;
  node: T.INodeProto | null;
  /** The scope the node's inputs resolve in: its graph and those around it. */
  scope: Scope | null;
  /** Inputs left out because their producers are folded (constants, shape arithmetic). */
  folded: number;
  /** The node has bodies (Loop, Scan, If) that can be expanded. */
  bodies: string[];
  expanded: boolean;
}

export interface Edge {
  from: string;
  to: string;
  value: string;
  dims: Dims | null;
  /** From a Loop/Scan/If node to its expanded body, or from an outer value into a body. */
  kind: 'data' | 'body' | 'outer';
}

export interface Cluster {
  id: string;
  label: string;
  parent: string | null;
}

export interface DisplayGraph {
  boxes: Box[];
  edges: Edge[];
  clusters: Cluster[];
  /** Top-level nodes in the model, and how many of them are folded away. */
  totalNodes: number;
  foldedNodes: number;
}

export interface ViewOptions {
  /** Fold Constant nodes and nodes that only compute shapes, axes and sizes into their consumers. */
  fold: boolean;
  /** Box ids (of Loop/Scan/If nodes) whose bodies are shown. */
  expanded: ReadonlySet<string>;
}

/** A graph and the graphs around it: names resolve innermost first. */
export interface Scope {
  graph: T.IGraphProto;
  outer: Scope | null;
  shapes: Map<string, Dims>;
  initializers: Map<string, T.ITensorProto>;
}

/** Ops whose output depends only on their input's shape, never on its values. */
const SHAPE_OPS = new Set(['Shape', 'Size']);
/** Readers of one graph input past which each reader gets its own copy of the input's box. */
const MAX_INPUT_FANOUT = 3;
const FLOAT_TYPES = new Set<number>([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.DOUBLE, onnx.TensorProto.DataType.FLOAT16, onnx.TensorProto.DataType.BFLOAT16]);

function valueDims(v: T.IValueInfoProto): Dims | null {
  const dims = v.type?.tensorType?.shape?.dim;
  if (!dims) return null;
  return dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue as number) : null));
}

export function makeScope(graph: T.IGraphProto, outer: Scope | null): Scope {
  const shapes = new Map<string, Dims>();
  for (const v of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const d = valueDims(v);
    if (v.name && d) shapes.set(v.name, d);
  }
  const initializers = new Map<string, T.ITensorProto>();
  for (const t of graph.initializer ?? []) {
    if (!t.name) continue;
    initializers.set(t.name, t);
    shapes.set(t.name, (t.dims ?? []).map((d) => toNumber(d as number)));
  }
  for (const [name, dims] of inferredShapes(graph, shapes)) shapes.set(name, dims);
  return { graph, outer, shapes, initializers };
}

export function lookupShape(scope: Scope | null, name: string): Dims | null {
  for (let s = scope; s; s = s.outer) {
    const d = s.shapes.get(name);
    if (d) return d;
  }
  return null;
}

export function lookupInitializer(scope: Scope | null, name: string): T.ITensorProto | null {
  for (let s = scope; s; s = s.outer) {
    const t = s.initializers.get(name);
    if (t) return t;
  }
  return null;
}

export const fmtDims = (d: readonly (number | string | null)[] | null) => (d ? `[${d.map((x) => x ?? '?').join(',')}]` : '');

function attrInt(node: T.INodeProto, name: string): number | null {
  const a = node.attribute?.find((x) => x.name === name);
  return a && a.i != null ? toNumber(a.i as number) : null;
}

/** The one line under a node's op: its size for the ops that have one, its body's size for Loop/Scan/If. */
function nodeDetail(node: T.INodeProto, scope: Scope): string {
  const inputs = node.input ?? [];
  const dims = (i: number) => lookupShape(scope, inputs[i] ?? '');
  if (node.opType === 'LSTM' || node.opType === 'GRU' || node.opType === 'RNN') {
    const w = dims(1);
    const hidden = attrInt(node, 'hidden_size');
    return [typeof w?.[2] === 'number' ? `in ${w[2]}` : '', hidden !== null ? `hidden ${hidden}` : '', w?.[0] === 2 ? 'bidirectional' : ''].filter(Boolean).join(' · ');
  }
  if (node.opType === 'Gemm' || node.opType === 'MatMul') {
    const b = dims(1);
    if (b && b.length === 2) {
      const [k, n] = attrInt(node, 'transB') === 1 ? [b[1], b[0]] : [b[0], b[1]];
      return `${k ?? '?'} → ${n ?? '?'}`;
    }
  }
  const bodies = (node.attribute ?? []).filter((a) => a.g);
  if (bodies.length) return bodies.map((a) => `${a.name}: ${a.g!.node?.length ?? 0} nodes`).join(' · ');
  return '';
}

const bodiesOf = (node: T.INodeProto) => (node.attribute ?? []).filter((a) => a.g).map((a) => a.name ?? 'body');

/** Values computable without the model's inputs' values: Constant outputs, shapes and sizes, integer initializers. */
function staticValues(graph: T.IGraphProto, outerStatic: ReadonlySet<string>): Set<string> {
  const out = new Set(outerStatic);
  for (const t of graph.initializer ?? []) if (t.name && !FLOAT_TYPES.has(t.dataType ?? 0)) out.add(t.name);
  for (const n of graph.node ?? []) {
    const ins = (n.input ?? []).filter(Boolean);
    const foldable = n.opType === 'Constant' || SHAPE_OPS.has(n.opType ?? '') || (ins.length > 0 && !bodiesOf(n).length && ins.every((i) => out.has(i)));
    if (foldable) for (const o of n.output ?? []) if (o) out.add(o);
  }
  return out;
}

export function displayGraph(root: T.IGraphProto, o: ViewOptions): DisplayGraph {
  const boxes: Box[] = [];
  const edges: Edge[] = [];
  const clusters: Cluster[] = [];
  let foldedNodes = 0;

  /** Adds a graph's boxes; `producers` maps value names visible from outside to the box making them. */
  const addGraph = (graph: T.IGraphProto, prefix: string, outer: Scope | null, outerProducers: Map<string, string>, outerStatic: ReadonlySet<string>, parent: string | null, isRoot: boolean) => {
    const scope = makeScope(graph, outer);
    const producers = new Map(outerProducers);
    const statics = o.fold ? staticValues(graph, outerStatic) : new Set<string>();
    const local = new Set<string>();
    const initializers = new Set(scope.initializers.keys());
    const entryBoxes: string[] = [];
    const uses = new Map<string, number>();
    for (const n of graph.node ?? []) for (const v of new Set(n.input ?? [])) uses.set(v, (uses.get(v) ?? 0) + 1);
    const inputBox = (name: string, id: string) => {
      boxes.push({ id, kind: 'input', title: name, detail: fmtDims(lookupShape(scope, name)), parent, node: null, scope, folded: 0, bodies: [], expanded: false });
      entryBoxes.push(id);
    };
    // An input read in many places (a training graph's parameters) gets a box beside each reader rather than
    // edges across the whole drawing.
    const copied = new Set<string>();
    for (const v of graph.input ?? []) {
      if (!v.name || initializers.has(v.name)) continue;
      local.add(v.name);
      if ((uses.get(v.name) ?? 0) > MAX_INPUT_FANOUT) {
        copied.add(v.name);
        continue;
      }
      inputBox(v.name, `${prefix}in:${v.name}`);
      producers.set(v.name, `${prefix}in:${v.name}`);
    }
    (graph.node ?? []).forEach((n, i) => {
      const outs = (n.output ?? []).filter(Boolean);
      if (o.fold && outs.length > 0 && outs.every((v) => statics.has(v))) {
        if (isRoot) foldedNodes++;
        return;
      }
      const id = `${prefix}n${i}`;
      const bodies = bodiesOf(n);
      const expanded = bodies.length > 0 && o.expanded.has(id);
      const ins = (n.input ?? []).filter(Boolean);
      const folded = ins.filter((v) => statics.has(v) && !initializers.has(v) && !lookupInitializer(outer, v)).length;
      boxes.push({ id, kind: 'node', title: n.domain ? `${n.domain}.${n.opType}` : (n.opType ?? '?'), detail: nodeDetail(n, scope), parent, node: n, scope, folded, bodies, expanded });
      for (const v of ins) {
        if (copied.has(v)) {
          const copy = `${prefix}in:${v}@${id}`;
          inputBox(v, copy);
          edges.push({ from: copy, to: id, value: v, dims: lookupShape(scope, v), kind: 'data' });
          continue;
        }
        const from = producers.get(v);
        if (!from || statics.has(v)) continue;
        edges.push({ from, to: id, value: v, dims: lookupShape(scope, v), kind: local.has(v) ? 'data' : 'outer' });
      }
      for (const v of outs) {
        producers.set(v, id);
        local.add(v);
      }
      if (expanded) {
        for (const a of (n.attribute ?? []).filter((x) => x.g)) {
          const cid = `${id}/${a.name}`;
          clusters.push({ id: cid, label: `${n.opType} ${a.name}`, parent });
          const entries = addGraph(a.g!, `${cid}/`, scope, producers, statics, cid, false);
          for (const e of entries) edges.push({ from: id, to: e, value: a.name ?? 'body', dims: null, kind: 'body' });
        }
      }
    });
    for (const v of graph.output ?? []) {
      const id = `${prefix}out:${v.name}`;
      boxes.push({ id, kind: 'output', title: v.name ?? '', detail: fmtDims(lookupShape(scope, v.name ?? '')), parent, node: null, scope, folded: 0, bodies: [], expanded: false });
      const from = producers.get(v.name ?? '');
      if (from) edges.push({ from, to: id, value: v.name ?? '', dims: lookupShape(scope, v.name ?? ''), kind: local.has(v.name ?? '') ? 'data' : 'outer' });
    }
    return entryBoxes;
  };

  addGraph(root, '', null, new Map(), new Set(), null, true);
  return { boxes, edges, clusters, totalNodes: root.node?.length ?? 0, foldedNodes };
}
