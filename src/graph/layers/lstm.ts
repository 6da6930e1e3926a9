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
  /** The cell gate g = 2σ(2x) − 1 = tanh x. */
  g: Value[];
  /** tanh of the cell state, the hidden state o·tanh(c), and the previous cell state (zero at t = 0). */
  tc: Value[];
  h: Value[];
  cprev: Value[];
  /** The step's input columns with a row of ones under them [F+1, B]: dW and dB in one product a step. */
  xa: Value[];
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

const STEP_KEYS = ['s', 'i', 'o', 'f', 'g', 'tc', 'h', 'cprev', 'xa'] as const;

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
 *  A step is one Gemm (R·h plus the precomputed input part), one Sigmoid over all four gates, one Split; every
 *  step works on columns [·, B] (see LstmResiduals). */
export function lstmUnrolled(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const T = xTime.shape?.[0];
  const F = xTime.shape?.[2];
  if (typeof T !== 'number' || typeof F !== 'number') throw new Error('an unrolled LSTM needs a fixed window and feature count');
  const H = hidden;
  const from = o.g.nodes.length;
  const scale = cellGateScale(o, H); // [4H, 1]
  const W2 = o.mul(o.squeeze(p.W, [0]), scale); // [4H, F]
  const R2 = o.mul(o.squeeze(p.R, [0]), scale); // [4H, H]
  const b2 = o.mul(o.reshape(o.reduceSum(o.reshape(p.B, [2, 4 * H]), [0], false), [4 * H, 1]), scale); // input + recurrent bias
  // The input part of all steps in one product [T, 4H, B], the bias included through a row of ones under each step's
  // input columns ([T, F+1, B]; the rule reuses them for dW and dB step by step): only R·h is left to the recurrence.
  const xt = o.transpose(xTime, [0, 2, 1]); // [T, F, B]
  const ones = o.expand(o.floats([1, 1, 1], [1]), o.concat([o.ints([T, 1]), o.shape(xt, 2)], 0)); // [T, 1, B]
  const xa = o.concat([xt, ones], 1); // [T, F+1, B]
  const pres = stepsOf(o, o.matmul(o.concat([W2, b2], 1), xa), T); // T × [4H, B]
  const one = o.scalar(1), two = o.scalar(2);
  const hs: Value[] = [], cs: Value[] = [], ss: Value[] = [], gs: Value[] = [], tcs: Value[] = [], fs: Value[] = [], is: Value[] = [], os: Value[] = [];
  for (let t = 0; t < T; t++) {
    const z = t === 0 ? pres[0]! : o.gemm(R2, hs[t - 1]!, pres[t]!);
    const s = o.sigmoid(z);
    const [i, og, f, sg] = o.split(s, 0, [H, H, H, H]);
    const g = o.sub(o.mul(sg!, two), one);
    const ig = o.mul(i!, g);
    const c = t === 0 ? ig : o.add(o.mul(f!, cs[t - 1]!), ig);
    const tc = o.tanh(c);
    hs.push(o.mul(og!, tc));
    cs.push(c), ss.push(s), gs.push(g), tcs.push(tc), fs.push(f!), is.push(i!), os.push(og!);
  }
  const zeros = o.g.add('ConstantOfShape', [o.shape(hs[0]!)], {})[0]!; // [H, B]
  // Outputs as the LSTM op gives them: Y [T, 1, B, H], Y_h [1, B, H].
  const Y = sequenceRows(o, hs);
  const Yh = stateRows(o, hs[T - 1]!);
  const prev = (vs: Value[]) => [zeros, ...vs.slice(0, -1)];
  const record: Record<string, Value | Value[]> = {
    s: ss, i: is, o: os, f: fs, g: gs, tc: tcs, h: hs, cprev: prev(cs),
    xa: stepsOf(o, xa, T), Hprev: T === 1 ? zeros : o.concat(prev(hs), 1), X: o.reshape(xTime, [-1, F]),
  };
  o.g.composite('LSTM', from, [xTime, p.W, p.R, p.B], [Y, Yh], { hidden_size: attr.int(H) }, record);
  return { Y, Yh };
}

/** Runs one LSTM layer over a time-major sequence; returns all hidden states Y [T,1,B,H] and the last Y_h [1,B,H]. */
export function lstm(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const [Y, Yh] = o.g.add('LSTM', [xTime, p.W, p.R, p.B], { hidden_size: attr.int(hidden) }, { count: 2 });
  return { Y: Y!, Yh: Yh! };
}
