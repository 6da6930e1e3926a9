// Removes what no graph output needs: nodes (through Loop/Scan/If bodies, which keep the outer values they read
// alive) and the root's initializers. In place; a pass that unhooks a subgraph (a zero initial state) ends with it.
import type { Graph } from './graph.ts';
import type { Node } from './node.ts';
import type { Value } from './value.ts';

export function prune(g: Graph): void {
  const outer = pruneGraph(g);
  if (outer.size > 0) throw new Error('a root graph reads values from no other graph');
  for (const v of [...g.initializers.keys()]) if (v.uses.length === 0 && !g.outputs.includes(v)) g.initializers.delete(v);
}

/** Prunes `g` and returns the values of enclosing graphs that what is left reads. */
function pruneGraph(g: Graph): Set<Value> {
  const needed = new Set<Value>(g.outputs);
  const live = new Set<Node>();
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (!n.outputs.some((v) => needed.has(v))) continue;
    live.add(n);
    for (const v of n.inputs) if (v) needed.add(v);
    for (const a of Object.values(n.attrs)) if (a.type === 'graph') for (const v of pruneGraph(a.value)) needed.add(v);
  }
  for (const n of g.nodes) if (!live.has(n)) unhook(n);
  const kept = g.nodes.filter((n) => live.has(n));
  g.nodes.splice(0, g.nodes.length, ...kept);
  return new Set([...needed].filter((v) => v.graph !== g));
}

/** Takes a dead node (and its bodies' nodes) off the use lists of the values it reads. */
function unhook(n: Node): void {
  for (const v of n.inputs) {
    const i = v ? v.uses.indexOf(n) : -1;
    if (i >= 0) v!.uses.splice(i, 1);
  }
  for (const a of Object.values(n.attrs)) if (a.type === 'graph') for (const m of a.value.nodes) unhook(m);
}
