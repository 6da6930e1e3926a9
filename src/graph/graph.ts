// A graph: inputs, nodes in topological order (a node can only use values that exist), outputs. Subgraphs (Loop
// and Scan bodies) share their root's namer, so every name in a model is unique, and their constants are lifted to
// the root's initializers, where one copy serves every use.
import type { DType } from '../onnx/dtype.ts';
import { Tensor } from '../onnx/tensor.ts';
import { Node, type Attrs } from './node.ts';
import { inferShapes } from './shape.ts';
import { Value, type Shape } from './value.ts';

/** The one naming authority: names the user chose are kept as is (and must be unique); others get `hint_N`. */
export class Namer {
  private readonly taken = new Set<string>();
  /** Names a copy of another graph will claim later (src/graph/rebuild.ts): fresh names avoid them. */
  private readonly reserved = new Set<string>();
  private counter = 0;

  claim(name: string): string {
    if (this.taken.has(name)) throw new Error(`the name "${name}" is already used in this model`);
    this.taken.add(name);
    return name;
  }

  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.taken.has(name) || this.reserved.has(name));
    this.taken.add(name);
    return name;
  }

  reserve(names: Iterable<string>): void {
    for (const n of names) this.reserved.add(n);
  }
}

/** A group of nodes that computes one op (an LSTM unrolled into standard ops) and is differentiated as that op,
 *  JAX's custom_vjp: the backward pass uses the op's gradient rule, given the group's `saved` intermediates,
 *  instead of differentiating the group's nodes one by one. */
export interface Composite {
  /** A node that is not in the graph: the op, its inputs, outputs and attributes, as the rule sees them. */
  node: Node;
  members: Set<Node>;
  /** Intermediates the rule may use: tensors, or per-step lists (kept unconcatenated where the rule steps). */
  saved: Record<string, Value | Value[]>;
}

export class Graph {
  readonly nodes: Node[] = [];
  readonly composites: Composite[] = [];
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  /** Root graph only: named weights and lifted constants, in the order declared. */
  readonly initializers = new Map<Value, Tensor>();
  private readonly constCache = new Map<string, Value>();
  readonly namer: Namer;
  readonly root: Graph;

  constructor(readonly name: string, readonly parent: Graph | null = null) {
    this.namer = parent ? parent.namer : new Namer();
    this.root = parent ? parent.root : this;
  }

  subgraph(name: string): Graph {
    return new Graph(name, this);
  }

  /** A graph input; `name` is kept as given unless `fresh` asks the namer for a new one from it (subgraph inputs). */
  input(name: string, dtype: DType, shape: Shape | null, fresh = false): Value {
    const v = new Value(this, fresh ? this.namer.fresh(name) : this.namer.claim(name), dtype, shape);
    this.inputs.push(v);
    return v;
  }

  /** A named tensor stored in the model (a weight); it lives in the root graph. */
  initializer(name: string, t: Tensor): Value {
    const root = this.root;
    const v = new Value(root, root.namer.claim(name), t.dtype, t.dims);
    v.constValue = t;
    root.initializers.set(v, t);
    return v;
  }

  /** An unnamed constant, deduplicated by content, so `1.0` used in twenty places is stored once. */
  constant(t: Tensor): Value {
    const root = this.root;
    const key = `${t.dtype}|${t.dims.join(',')}|${Array.from(t.data as ArrayLike<number | bigint>).join(',')}`;
    let v = root.constCache.get(key);
    if (!v) {
      v = new Value(root, root.namer.fresh('const'), t.dtype, t.dims);
      v.constValue = t;
      root.initializers.set(v, t);
      root.constCache.set(key, v);
    }
    return v;
  }

  output(v: Value, name?: string): Value {
    // An output must be produced in this graph under its final name; rename by an Identity where needed.
    if (name && v.name !== name) {
      v = this.add('Identity', [v], {}, { names: [name] })[0]!;
    } else if (v.graph !== this || this.inputs.includes(v) || this.outputs.includes(v)) {
      v = this.add('Identity', [v], {})[0]!;
    }
    this.outputs.push(v);
    return v;
  }

  /** Appends a node; output types come from shape inference unless given (Loop and Scan give them). */
  add(
    op: string,
    inputs: readonly (Value | null)[],
    attrs: Attrs,
    opts: { names?: string[]; types?: { dtype: DType; shape: Shape | null }[]; count?: number; nodeName?: string } = {},
  ): Value[] {
    for (const v of inputs) if (v && !this.sees(v)) throw new Error(`${op}: input "${v.name}" is not visible from graph "${this.name}"`);
    const types = opts.types ?? inferShapes(op, inputs, attrs, opts.count ?? 1);
    const hint = op.toLowerCase();
    const outputs = types.map((t, i) => new Value(this, opts.names?.[i] ? this.namer.claim(opts.names[i]!) : this.namer.fresh(hint), t.dtype, t.shape));
    // Node names need not be unique in ONNX: a given one (an imported model's) is kept as is, outside the namer.
    const node = new Node(op, opts.nodeName || this.namer.fresh(`n_${hint}`), inputs, outputs, attrs);
    for (const o of outputs) o.producer = node;
    for (const v of inputs) v?.uses.push(node);
    this.nodes.push(node);
    return outputs;
  }

  /** Declares the nodes added since `fromNode` (an index into `nodes`) as one `op` with the given interface. */
  composite(op: string, fromNode: number, inputs: (Value | null)[], outputs: Value[], attrs: Attrs, saved: Record<string, Value | Value[]>): void {
    const members = new Set(this.nodes.slice(fromNode));
    this.composites.push({ node: new Node(op, this.namer.fresh(`composite_${op.toLowerCase()}`), inputs, outputs, attrs), members, saved });
  }

  /** A value is visible if it lives in this graph or an enclosing one (outer-scope reference). */
  sees(v: Value): boolean {
    for (let g: Graph | null = this; g; g = g.parent) if (v.graph === g) return true;
    return false;
  }
}
