// What the gradients of ONNX's recurrent ops (GRU, RNN) share: the forms they support, the previous hidden states
// rebuilt from Y, and the reverse-time recurrence emitted as a Scan (any window) or unrolled (fixed window). Both
// work in the "columns" layout (graph/layers/columns.ts): per step [·, B], all steps [T, ·, B], and the steps'
// results as columns [·, T·B], so that the parameter gradients are one Gemm over all steps and rows.
import type { Graph } from '../graph/graph.ts';
import { sideBySide, stacked, stepsOf } from '../graph/layers/columns.ts';
import { MAX_UNROLLED_WINDOW } from '../graph/layers/lstm.ts';
import { attr } from '../graph/node.ts';
import { Ops } from '../graph/ops.ts';
import type { Value } from '../graph/value.ts';
import type { GradContext } from './registry.ts';

/** Refuses what the rules do not differentiate: other directions, clip, other activations, layout 1, sequence_lens.
 *  initial_h (input 5) is supported and gets its gradient. */
export function checkRecurrentForm(c: GradContext, activations: string[]): void {
  const n = c.node;
  const bad: string[] = [];
  if (n.string('direction', 'forward') !== 'forward') bad.push('direction other than forward');
  if (n.attrs.clip) bad.push('clip');
  const act = n.attrs.activations;
  if (act && (act.type !== 'strings' || act.value.join() !== activations.join())) bad.push('custom activations');
  if (n.int('layout', 0) !== 0) bad.push('layout 1');
  if (n.inputs[4]) bad.push('sequence_lens');
  if (bad.length) throw new Error(`${n.op} gradient (node ${n.name}): unsupported ${bad.join(', ')}`);
}

/** The window to unroll the backward recurrence over, or null for a Scan. */
export function unrolledWindow(c: GradContext): number | null {
  const Tdim = c.I(0).shape?.[0];
  const mode = c.options.recurrence;
  const T = typeof Tdim === 'number' && (mode === 'unrolled' || (mode === 'auto' && Tdim <= MAX_UNROLLED_WINDOW)) ? Tdim : null;
  if (mode === 'unrolled' && T === null) throw new Error(`${c.node.op} gradient (node ${c.node.name}): unrolled mode needs a fixed window`);
  return T;
}

/** h_{t-1} for every step [T,B,H] from the hidden states Ys [T,B,H]: initial_h [1,B,H] first, or zeros. */
export function previousStates(o: Ops, Ys: Value, h0: Value | null): Value {
  const before = o.slice(Ys, [0], [-1], [0]);
  return h0 ? o.concat([h0, before], 0) : o.g.add('Pad', [before, o.ints([1, 0, 0, 0, 0, 0])], {})[0]!;
}

/** One step of a reverse recurrence, written once for both forms: every value is a step's columns [·, B]. */
export type ReverseStep = (b: Ops, carry: Value[], xs: Value[]) => { carry: Value[]; out: Value[] };

/** What a reverse recurrence gives back: the carries after step 0 ([·, B] each); its outputs per step when unrolled
 *  (`steps[k][t]`, [·, B]), for products step by step on tensors still in cache; and output k as columns
 *  ([·, T·B], step-major), made on first use. */
export interface Reversed {
  final: Value[];
  steps: Value[][] | null;
  cols: (k: number) => Value;
}

/** Runs `step` for t = T-1 … 0 over the steps of `xs` (each [T,·,B], or already a list of T [·,B] tensors) from the
 *  carries `init` ([·,B] each): unrolled when T is given, else as a Scan. */
export function reverseRecurrence(o: Ops, name: string, T: number | null, init: Value[], xs: (Value | Value[])[], step: ReverseStep): Reversed {
  if (T !== null) {
    const steps = xs.map((v) => (Array.isArray(v) ? v : stepsOf(o, v, T)));
    let carry = init;
    const outs: Value[][] = [];
    for (let t = T - 1; t >= 0; t--) {
      const r = step(o, carry, steps.map((s) => s[t]!));
      carry = r.carry;
      outs[t] = r.out;
    }
    const byOutput = outs[0]!.map((_, k) => outs.map((os) => os[k]!));
    const made: Value[] = [];
    const cols = (k: number) => (made[k] ??= T === 1 ? byOutput[k]![0]! : o.concat(byOutput[k]!, 1));
    return { final: carry, steps: byOutput, cols };
  }
  const all = xs.map((v) => (Array.isArray(v) ? stacked(o, v) : v));
  const body = o.g.subgraph(name);
  const b = new Ops(body);
  const carryIn = init.map((v, k) => body.input(`${name}_carry${k}`, v.dtype, v.shape!, true));
  const xsIn = all.map((v, k) => body.input(`${name}_x${k}`, v.dtype, v.shape!.slice(1), true));
  const r = step(b, carryIn, xsIn);
  for (const v of [...r.carry, ...r.out]) body.output(v);
  const results = scan(o.g, body, init, all);
  const cols = results.slice(init.length).map((v) => sideBySide(o, v));
  return { final: results.slice(0, init.length), steps: null, cols: (k) => cols[k]! };
}

/** A Scan running `body` over `xs` (in reverse by default), its scan outputs stacked in time order. */
export function scan(g: Graph, body: Graph, states: Value[], xs: Value[], direction: 0 | 1 = 1): Value[] {
  const nState = states.length;
  const T = xs[0]!.shape![0]!;
  const types = body.outputs.map((v, i) => ({ dtype: v.dtype, shape: i < nState ? v.shape : [T, ...(v.shape ?? [])] }));
  return g.add('Scan', [...states, ...xs], {
    body: attr.graph(body),
    num_scan_inputs: attr.int(xs.length),
    scan_input_directions: attr.ints(xs.map(() => direction)),
    scan_output_directions: attr.ints(body.outputs.slice(nState).map(() => direction)),
  }, { types });
}

/** Σ_t d_t·v_tᵀ over steps from..T-1, each Gemm adding the running sum as its C input (a parameter gradient taken
 *  step by step, on tensors the recurrence just wrote); null for no steps. */
export const accumulate = (o: Ops, ds: Value[], vs: Value[], from = 0): Value | null =>
  ds.slice(from).reduce<Value | null>((acc, d, k) => o.gemm(d, vs[from + k]!, acc, { transB: true }), null);
