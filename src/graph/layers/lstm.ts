// The LSTM layer: ONNX's own LSTM op (layout 0: [time, batch, features]) with weights named as an interface.
// Gate order inside W, R and B is ONNX's: i, o, f, c; B holds the input biases, then the recurrent biases.
import type { Ops } from '../ops.ts';
import { attr } from '../node.ts';
import type { Value } from '../value.ts';
import { sequenceRows, stacked, stateRows, stepsOf } from './columns.ts';

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
  /** σ of every gate's pre-activation, the cell gate's doubled: i, o, f, (g+1)/2 [T, 4H, B] (tanh x = 2σ(2x) − 1). */
  S: Value;
  /** The cell gate g [T, H, B]. */
  G: Value;
  /** tanh of the cell state [T, H, B]. */
  TC: Value;
  /** The previous step's cell state, zero at t = 0 [T, H, B]. */
  Cprev: Value;
  /** The previous step's hidden state, zero at t = 0: [H, T·B] (columns, step-major) or [T·B, H] (rows). */
  Hprev: Value;
  hprevColumns: boolean;
  /** The input as rows [T·B, F]. */
  X: Value;
  /** The forget gates: one [H, B] per step, or all steps [T, H, B]. dc reaches the previous step through them. */
  fs: Value[] | Value;
}

/** The composite's residuals, typed (Graph.composite stores them as a record). */
export function lstmResiduals(saved: Record<string, Value | Value[]>): LstmResiduals {
  const { S, G, TC, Cprev, Hprev, X, fs } = saved;
  if (!S || !G || !TC || !Cprev || !Hprev || !X || !fs || Array.isArray(S)) throw new Error('LSTM composite: residuals missing');
  return { S, G, TC, Cprev, Hprev, X, fs, hprevColumns: true } as LstmResiduals;
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
  // Input contributions of all steps in one product, [T, 4H, B]; only R·h is left inside the recurrence.
  const pres = stepsOf(o, o.add(o.matmul(W2, o.transpose(xTime, [0, 2, 1])), b2), T); // T × [4H, B]
  const one = o.scalar(1), two = o.scalar(2);
  const hs: Value[] = [], cs: Value[] = [], ss: Value[] = [], gs: Value[] = [], tcs: Value[] = [], fs: Value[] = [];
  for (let t = 0; t < T; t++) {
    const z = t === 0 ? pres[0]! : o.gemm(R2, hs[t - 1]!, pres[t]!);
    const s = o.sigmoid(z);
    const [i, og, f, sg] = o.split(s, 0, [H, H, H, H]);
    const g = o.sub(o.mul(sg!, two), one);
    const ig = o.mul(i!, g);
    const c = t === 0 ? ig : o.add(o.mul(f!, cs[t - 1]!), ig);
    const tc = o.tanh(c);
    hs.push(o.mul(og!, tc));
    cs.push(c), ss.push(s), gs.push(g), tcs.push(tc), fs.push(f!);
  }
  const zeros = o.g.add('ConstantOfShape', [o.shape(hs[0]!)], {})[0]!; // [H, B]
  // Outputs as the LSTM op gives them: Y [T, 1, B, H], Y_h [1, B, H].
  const Y = sequenceRows(o, hs);
  const Yh = stateRows(o, hs[T - 1]!);
  const prev = (vs: Value[]) => [zeros, ...vs.slice(0, -1)];
  const saved: LstmResiduals = {
    S: stacked(o, ss), G: stacked(o, gs), TC: stacked(o, tcs), Cprev: stacked(o, prev(cs)),
    Hprev: T === 1 ? zeros : o.concat(prev(hs), 1), hprevColumns: true, X: o.reshape(xTime, [-1, F]), fs,
  };
  const { hprevColumns: _, ...record } = saved;
  o.g.composite('LSTM', from, [xTime, p.W, p.R, p.B], [Y, Yh], { hidden_size: attr.int(H) }, record);
  return { Y, Yh };
}

/** Runs one LSTM layer over a time-major sequence; returns all hidden states Y [T,1,B,H] and the last Y_h [1,B,H]. */
export function lstm(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const [Y, Yh] = o.g.add('LSTM', [xTime, p.W, p.R, p.B], { hidden_size: attr.int(hidden) }, { count: 2 });
  return { Y: Y!, Yh: Yh! };
}
