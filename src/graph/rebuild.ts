// Copies a graph into a new one node by node, letting a pass replace any node by what it emits: how a
// graph-to-graph pass (src/graph/canonical.ts) is written. Types are inferred again in the copy, so what a pass made
// known (a constant shape) reaches every later node; dims the source knew and inference cannot tell are kept.
// Names are kept; the names a pass makes up avoid every name of the source.
import { Graph } from './graph.ts';
import type { Attrs, Node } from './node.ts';
import { canInfer, inferShapes, refine } from './shape.ts';
import type { Value } from './value.ts';

/** Emits `node`'s replacement into `into` and returns the values that stand for its outputs. `inputs` are the
 *  node's inputs as already copied; `copy` copies the node as is, or with other inputs or attributes. */
export type Rewrite = (node: Node, inputs: (Value | null)[], into: Graph, copy: Copy) => readonly Value[];
export type Copy = (inputs?: (Value | null)[], attrs?: Attrs) => Value[];

export function rebuild(src: Graph, rewrite: Rewrite): Graph {
  if (src.parent) throw new Error('only a root graph can be rebuilt');
  const dst = new Graph(src.name);
  dst.namer.reserve(allNames(src));
  const env = new Map<Value, Value>();
  for (const [v, t] of src.initializers) env.set(v, dst.initializer(v.name, t));
  copyInto(src, dst, env, rewrite);
  return dst;
}

function copyInto(src: Graph, dst: Graph, env: Map<Value, Value>, rewrite: Rewrite): void {
  for (const v of src.inputs) env.set(v, dst.input(v.name, v.dtype, v.shape));
  for (const n of src.nodes) {
    const inputs = n.inputs.map((v) => (v ? env.get(v)! : null));
    const outs = rewrite(n, inputs, dst, (ins = inputs, attrs = n.attrs) => copyNode(n, ins, attrs, dst, env, rewrite));
    n.outputs.forEach((v, i) => env.set(v, outs[i]!));
  }
  for (const v of src.outputs) dst.output(env.get(v)!, v.name);
}

function copyNode(n: Node, inputs: (Value | null)[], given: Attrs, dst: Graph, env: Map<Value, Value>, rewrite: Rewrite): Value[] {
  const attrs: Attrs = {};
  for (const [k, a] of Object.entries(given)) {
    if (a.type !== 'graph') attrs[k] = a;
    else {
      const body = dst.subgraph(a.value.name);
      copyInto(a.value, body, env, rewrite);
      attrs[k] = { type: 'graph', value: body };
    }
  }
  const old = n.outputs.map((v) => ({ dtype: v.dtype, shape: v.shape }));
  const types = canInfer(n.op) ? inferShapes(n.op, inputs, attrs, old.length).map((t, i) => refine(t, old[i])) : old;
  return dst.add(n.op, inputs, attrs, { names: n.outputs.map((v) => v.name), types, nodeName: n.name });
}

function allNames(g: Graph): string[] {
  const names = [...g.inputs, ...g.initializers.keys()].map((v) => v.name);
  for (const n of g.nodes) {
    names.push(...n.outputs.map((v) => v.name));
    for (const a of Object.values(n.attrs)) if (a.type === 'graph') names.push(...allNames(a.value));
  }
  return names;
}
