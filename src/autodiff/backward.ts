// Reverse mode over a builder graph (as micrograd and tinygrad do it): keep only the nodes between the loss and
// the parameters, walk them in reverse order, sum the gradients of values used more than once, and ask the table
// for each node's rule. Gradient nodes are appended to the same graph.
import type { Composite, Graph } from '../graph/graph.ts';
import type { Node } from '../graph/node.ts';
import { Ops } from '../graph/ops.ts';
import type { Value } from '../graph/value.ts';
import { isFloat } from '../onnx/dtype.ts';
import { DEFAULT_GRAD_OPTIONS, gradRule, type GradOptions } from './registry.ts';
import './rules/index.ts';

export interface GradientsOptions extends Partial<GradOptions> {
  /** The loss's incoming gradient (default: 1). */
  seed?: Value;
}

/** The nodes from `n` to the loss, shortened in the middle when long: "a (Exp) → b (Mul) → … → loss". */
function pathToLoss(n: Node, GO: (Value | null)[], towardLoss: ReadonlyMap<Value, Node>, loss: Value): string {
  const hops = [`${n.name} (${n.op})`];
  let v = n.outputs.find((_, i) => GO[i]);
  while (v && v !== loss) {
    const next = towardLoss.get(v);
    if (!next) break;
    hops.push(`${next.name} (${next.op})`);
    v = next.outputs.find((out) => out === loss || towardLoss.has(out));
  }
  hops.push(`loss "${loss.name}"`);
  return (hops.length > 6 ? [...hops.slice(0, 3), '…', ...hops.slice(-2)] : hops).join(' → ');
}

export function gradients(g: Graph, loss: Value, wrt: readonly Value[], opts: GradientsOptions = {}): Map<Value, Value> {
  const { seed, ...choices } = opts;
  // A choice given as undefined keeps its default.
  const given = Object.fromEntries(Object.entries(choices).filter(([, v]) => v !== undefined));
  const options: GradOptions = { ...DEFAULT_GRAD_OPTIONS, ...given };
  const o = new Ops(g);
  // The units to differentiate, in topological order: nodes, and each composite as one op in place of its members
  // (at its last member: its inputs exist before its first, everything using its outputs comes after its last).
  const compositeOf = new Map<Node, Composite>();
  for (const c of g.composites) for (const n of c.members) compositeOf.set(n, c);
  const saved = new Map<Node, Record<string, Value | Value[]>>(g.composites.map((c) => [c.node, c.saved]));
  const seen = new Map<Composite, number>();
  const units: Node[] = [];
  for (const n of g.nodes) {
    const c = compositeOf.get(n);
    if (!c) units.push(n);
    else if (seen.set(c, (seen.get(c) ?? 0) + 1).get(c) === c.members.size) units.push(c.node);
  }
  // Forward reach from the parameters, backward reach from the loss: a unit matters if it is in both. Integer and
  // boolean values carry no gradient (shapes, indices, masks), so the forward reach stops at them.
  const fromParams = new Set<Value>(wrt);
  for (const n of units) {
    if (n.inputs.some((v) => v && fromParams.has(v))) n.outputs.forEach((v) => isFloat(v.dtype) && fromParams.add(v));
  }
  const toLoss = new Set<Value>([loss]);
  // For each value on the way to the loss, the unit that took it there: the path an error message shows.
  const towardLoss = new Map<Value, Node>();
  const live: Node[] = [];
  for (let k = units.length - 1; k >= 0; k--) {
    const n = units[k]!;
    if (!n.outputs.some((v) => toLoss.has(v)) || !n.outputs.some((v) => fromParams.has(v))) continue;
    live.push(n);
    for (const v of n.inputs) {
      if (v && !toLoss.has(v)) {
        toLoss.add(v);
        towardLoss.set(v, n);
      }
    }
  }

  const pending = new Map<Value, Value[]>();
  const accumulate = (v: Value, grad: Value) => {
    const list = pending.get(v);
    if (list) list.push(grad);
    else pending.set(v, [grad]);
  };
  // A value used twice (x*x) receives two contributions; they are summed when first read.
  const total = (v: Value): Value | null => {
    const list = pending.get(v);
    if (!list) return null;
    if (list.length > 1) {
      const sum = list.length === 2 ? o.add(list[0]!, list[1]!) : g.add('Sum', list, {})[0]!;
      pending.set(v, [sum]);
    }
    return pending.get(v)![0]!;
  };

  accumulate(loss, seed ?? o.scalar(1));
  for (const n of live) {
    const GO = n.outputs.map(total);
    if (GO.every((x) => x === null)) continue;
    const rule = gradRule(n.op);
    if (!rule) throw new Error(`no gradient rule for op ${n.op} (node ${n.name}); the loss needs it through ${pathToLoss(n, GO, towardLoss, loss)}`);
    const needs = (i: number) => {
      const v = n.inputs[i];
      return !!v && fromParams.has(v) && toLoss.has(v);
    };
    const grads = rule({ o, node: n, I: (i) => n.inputs[i]!, O: (i) => n.outputs[i]!, GO: (i) => GO[i] ?? null, needs, saved: saved.get(n), options });
    if (grads.length !== n.inputs.length) {
      throw new Error(`gradient rule for ${n.op} returned ${grads.length} gradients for ${n.inputs.length} inputs`);
    }
    grads.forEach((gr, i) => {
      if (gr && needs(i)) accumulate(n.inputs[i]!, gr);
    });
  }

  const out = new Map<Value, Value>();
  for (const w of wrt) {
    const gr = total(w);
    if (!gr) throw new Error(`the loss does not depend on "${w.name}"`);
    out.set(w, gr);
  }
  return out;
}
