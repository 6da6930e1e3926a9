// Copies a graph node by node, letting a pass replace any node by what it emits. Two uses: a graph-to-graph pass
// (src/graph/canonical.ts) copies into a new root and keeps every name; an imported model's forward pass
// (src/graph/imported-model.ts) copies into whatever graph is being built (a training graph, a Loop body) under
// fresh names. Types are inferred again in the copy, so what a pass made known (a constant shape) reaches every
// later node; dims the source knew and inference cannot tell are kept.
import { Graph } from './graph.ts';
import type { Attrs, Node } from './node.ts';
import { canInfer, inferShapes, refine } from './shape.ts';
import type { Shape, Value } from './value.ts';

/** Emits `node`'s replacement into `into` and returns the values that stand for its outputs. `inputs` are the
 *  node's inputs as already copied; `copy` copies the node as is, or with other inputs or attributes. */
export type Rewrite = (node: Node, inputs: (Value | null)[], into: Graph, copy: Copy) => readonly Value[];
export type Copy = (inputs?: (Value | null)[], attrs?: Attrs) => Value[];

const copyAll: Rewrite = (_n, _i, _g, copy) => copy();

export interface RebuildOptions {
  /** Other dims for the graph's inputs (a fixed batch made a symbol). The source's own dims then say nothing about
   *  the copy's, and are not used to complete what inference cannot tell. */
  inputShapes?: ReadonlyMap<Value, Shape>;
}

/** A new root graph with `src`'s inputs, initializers and outputs under their names, and its nodes as `rewrite`
 *  emits them; the names a pass makes up avoid every name of the source. */
export function rebuild(src: Graph, rewrite: Rewrite, opts: RebuildOptions = {}): Graph {
  if (src.parent) throw new Error('only a root graph can be rebuilt');
  const dst = new Graph(src.name);
  dst.namer.reserve(allNames(src));
  const env = new Map<Value, Value>();
  for (const [v, t] of src.initializers) env.set(v, dst.initializer(v.name, t));
  const reshaped = opts.inputShapes ?? new Map<Value, Shape>();
  const c = new Copier(rewrite, true, new Map(), reshaped.size === 0);
  for (const v of src.inputs) env.set(v, dst.input(v.name, v.dtype, reshaped.get(v) ?? v.shape));
  c.nodes(src, dst, env);
  for (const v of src.outputs) dst.output(env.get(v)!, v.name);
  return dst;
}

/** Emits `src`'s nodes into `into` under fresh names (those in `names` excepted); `env` maps `src`'s inputs and
 *  initializers to values `into` sees, and on return maps every value of `src` to its copy. */
export function inline(src: Graph, into: Graph, env: Map<Value, Value>, rewrite: Rewrite = copyAll, names: ReadonlyMap<Value, string> = new Map()): void {
  new Copier(rewrite, false, names).nodes(src, into, env);
}

class Copier {
  constructor(
    private readonly rewrite: Rewrite,
    private readonly keepNames: boolean,
    private readonly names: ReadonlyMap<Value, string> = new Map(),
    private readonly trustSource = true,
  ) {}

  nodes(src: Graph, dst: Graph, env: Map<Value, Value>): void {
    for (const n of src.nodes) {
      const inputs = n.inputs.map((v) => (v ? env.get(v)! : null));
      const outs = this.rewrite(n, inputs, dst, (ins = inputs, attrs = n.attrs) => this.node(n, ins, attrs, dst, env));
      n.outputs.forEach((v, i) => env.set(v, outs[i]!));
    }
  }

  private node(n: Node, inputs: (Value | null)[], given: Attrs, dst: Graph, env: Map<Value, Value>): Value[] {
    const attrs: Attrs = {};
    for (const [k, a] of Object.entries(given)) {
      if (a.type !== 'graph') attrs[k] = a;
      else {
        const body = dst.subgraph(a.value.name);
        for (const v of a.value.inputs) env.set(v, body.input(v.name, v.dtype, v.shape, !this.keepNames));
        this.nodes(a.value, body, env);
        for (const v of a.value.outputs) body.output(env.get(v)!, this.keepNames ? v.name : undefined);
        attrs[k] = { type: 'graph', value: body };
      }
    }
    const old = n.outputs.map((v) => ({ dtype: v.dtype, shape: v.shape }));
    const inferred = canInfer(n.op) ? inferShapes(n.op, inputs, attrs, old.length) : null;
    const types = inferred ? (this.trustSource ? inferred.map((t, i) => refine(t, old[i])) : inferred) : old;
    const names = n.outputs.map((v) => this.names.get(v) ?? (this.keepNames ? v.name : ''));
    return dst.add(n.op, inputs, attrs, { names, types, nodeName: this.keepNames ? n.name : undefined });
  }
}

function allNames(g: Graph): string[] {
  const names = [...g.inputs, ...g.initializers.keys()].map((v) => v.name);
  for (const n of g.nodes) {
    names.push(...n.outputs.map((v) => v.name));
    for (const a of Object.values(n.attrs)) if (a.type === 'graph') names.push(...allNames(a.value));
  }
  return names;
}
