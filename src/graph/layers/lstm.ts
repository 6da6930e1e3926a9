// The LSTM layer: ONNX's own LSTM op (layout 0: [time, batch, features]) with weights named as an interface.
// Gate order inside W, R and B is ONNX's: i, o, f, c; B holds the input biases, then the recurrent biases.
import type { Ops } from '../ops.ts';
import { attr } from '../node.ts';
import type { Value } from '../value.ts';
import { sequenceRows, stateRows, stepsOf } from './columns.ts';

/** Windows up to this many steps are unrolled by default, forward and backward (it measured faster: docs/perf.md);
 *  longer ones use the LSTM op and a Scan, whose graphs do not grow with the window. */
export const MAX_UNROLLED_WINDOW = 64;

export interface LstmParams {
  W: Value; // [1, 4H, F]
  R: Value; // [1, 4H, H]
  B: Value; // [1, 8H]
}

export function lstmParamShapes(features: number, hidden: number): Record<keyof LstmParams, number[]> {
  return { W: [1, 4 * hidden, features], R: [1, 4 * hidden, hidden], B: [1, 8 * hidden] };
}

/** What the LSTM rule needs of the forward pass, in the "columns" layout (columns.ts): every per-step tensor is
 *  [·, B] (features or gates down, the batch across), every all-steps tensor [T, ·, B]. */
export interface LstmResiduals {
  gates: StepGates | StackedGates;
  /** The previous step's hidden state, zero at t = 0: [H, T·B] (columns, step-major) or [T·B, H] (rows). */
  Hprev: Value;
  hprevColumns: boolean;
  /** The input as rows [T·B, F]. */
  X: Value;
}

/** What an unrolled forward computed, one [·, B] tensor per step: the rule builds each step's factors from them
 *  where the recurrence uses them, on tensors small enough to stay in cache, instead of stacking them all and
 *  splitting the factors again (docs/perf.md). */
export interface StepGates {
  kind: 'steps';
  /** σ of all four gates' pre-activations, the cell gate's doubled [4H, B]; i, o, f are its first three blocks. */
  s: Value[];
  i: Value[];
  o: Value[];
  f: Value[];
  /** tanh of the cell state and the hidden state o·tanh(c). */
  tc: Value[];
  h: Value[];
  /** The products the cell update made, which are also the gate derivatives' other factors (i·g, f·c_{t-1}, and
   *  i·σ of the cell gate, zero f·c_{t-1} at t = 0): with h = o·tanh(c) they give all four in one Concat. */
  ig: Value[];
  fc: Value[];
  isg: Value[];
  /** The step's Gemm input [x_t; 1; 1; h_{t-1}] ([F+2+H, B], h_{-1} = 0): dW, both biases and dR in one product a step. */
  z: Value[];
}

/** The same, recomputed for all steps at once when the forward pass was ONNX's LSTM op: [T, ·, B] each. */
export interface StackedGates {
  kind: 'stacked';
  S: Value;
  G: Value;
  TC: Value;
  Cprev: Value;
  F: Value;
}

const STEP_KEYS = ['s', 'i', 'o', 'f', 'tc', 'h', 'ig', 'fc', 'isg', 'z'] as const;

/** The composite's residuals, typed (Graph.composite stores them as a record). */
export function lstmResiduals(saved: Record<string, Value | Value[]>): LstmResiduals {
  const { Hprev, X } = saved;
  const lists = STEP_KEYS.map((k) => saved[k]);
  if (!Hprev || !X || Array.isArray(Hprev) || Array.isArray(X) || !lists.every(Array.isArray)) throw new Error('LSTM composite: residuals missing');
  const gates = { kind: 'steps', ...Object.fromEntries(STEP_KEYS.map((k) => [k, saved[k]])) } as StepGates;
  return { gates, Hprev, hprevColumns: true, X };
}

/** [4H, 1] per gate block (ONNX order i, o, f, c), down the gate axis of the columns layout: the cell gate's
 *  pre-activations are doubled so that one Sigmoid serves all four gates (tanh x = 2σ(2x) − 1). */
export function cellGateScale(o: Ops, hidden: number, scale = 2): Value {
  return o.floats([4 * hidden, 1], Array.from({ length: 4 * hidden }, (_, k) => (k >= 3 * hidden ? scale : 1)));
}

/** The same layer unrolled into standard ops (fixed window): ONNX Runtime's CPU LSTM kernel costs more than the
 *  ten small nodes a step this takes (docs/perf.md), and the steps' gates and cell states are kept for the
 *  backward pass, which then has nothing to recompute. Declared as a composite, so autodiff uses the LSTM rule.
 *  A step is one Gemm of [W B R] with the step's input, a row of ones and the previous hidden state stacked as
 *  columns (no C input to copy), one Sigmoid over all four gates (fused with the Gemm by ONNX Runtime), one Split;
 *  every step works on columns [·, B] (see LstmResiduals). */
export function lstmUnrolled(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const T = xTime.shape?.[0];
  const F = xTime.shape?.[2];
  if (typeof T !== 'number' || typeof F !== 'number') throw new Error('an unrolled LSTM needs a fixed window and feature count');
  const H = hidden;
  const from = o.g.nodes.length;
  // [W Bi Br R] [4H, F+2+H], the cell gate's rows doubled (cellGateScale): each bias half is a column that meets a
  // row of ones, so neither the forward nor the gradient (two equal columns) needs a sum or a copy.
  const biases = o.transpose(o.reshape(p.B, [2, 4 * H]), [1, 0]); // [4H, 2]
  const WbR = o.mul(o.concat([o.squeeze(p.W, [0]), biases, o.squeeze(p.R, [0])], 1), cellGateScale(o, H));
  // Each step's input columns with two rows of ones under them ([T, F+2, B]), and zeros for h_{-1} and c_{-1} [H, B].
  const xt = o.transpose(xTime, [0, 2, 1]); // [T, F, B]
  const batch = o.shape(xt, 2);
  const ones = o.expand(o.floats([1, 2, 1], [1, 1]), o.concat([o.ints([T, 2]), batch], 0)); // [T, 2, B]
  const xa = stepsOf(o, o.concat([xt, ones], 1), T);
  const zeros = o.g.add('ConstantOfShape', [o.concat([o.ints([H]), batch], 0)], {})[0]!; // [H, B]
  const two = o.scalar(2);
  const r: Record<(typeof STEP_KEYS)[number], Value[]> = { s: [], i: [], o: [], f: [], tc: [], h: [], ig: [], fc: [], isg: [], z: [] };
  let c = zeros;
  for (let t = 0; t < T; t++) {
    const z = o.concat([xa[t]!, t === 0 ? zeros : r.h[t - 1]!], 0);
    const s = o.sigmoid(o.gemm(WbR, z, null));
    const [i, og, f, sg] = o.split(s, 0, [H, H, H, H]);
    // i·g with g = 2σ − 1 (tanh of the undoubled pre-activation), as 2·(i·σ) − i: i·σ is a factor of dg.
    const isg = o.mul(i!, sg!);
    const ig = o.sub(o.mul(isg, two), i!);
    const fc = t === 0 ? zeros : o.mul(f!, c);
    c = t === 0 ? ig : o.add(fc, ig);
    const tc = o.tanh(c);
    const h = o.mul(og!, tc);
    for (const [k, v] of [['s', s], ['i', i!], ['o', og!], ['f', f!], ['tc', tc], ['h', h], ['ig', ig], ['fc', fc], ['isg', isg], ['z', z]] as const) r[k].push(v);
  }
  // Outputs as the LSTM op gives them: Y [T, 1, B, H], Y_h [1, B, H].
  const Y = sequenceRows(o, r.h);
  const Yh = stateRows(o, r.h[T - 1]!);
  const record: Record<string, Value | Value[]> = {
    ...r, Hprev: T === 1 ? zeros : o.concat([zeros, ...r.h.slice(0, -1)], 1), X: o.reshape(xTime, [-1, F]),
  };
  o.g.composite('LSTM', from, [xTime, p.W, p.R, p.B], [Y, Yh], { hidden_size: attr.int(H) }, record);
  return { Y, Yh };
}

/** Runs one LSTM layer over a time-major sequence; returns all hidden states Y [T,1,B,H] and the last Y_h [1,B,H]. */
export function lstm(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const [Y, Yh] = o.g.add('LSTM', [xTime, p.W, p.R, p.B], { hidden_size: attr.int(hidden) }, { count: 2 });
  return { Y: Y!, Yh: Yh! };
}
