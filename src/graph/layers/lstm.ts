// The LSTM layer: ONNX's own LSTM op (layout 0: [time, batch, features]) with weights named as an interface.
// Gate order inside W, R and B is ONNX's: i, o, f, c; B holds the input biases, then the recurrent biases.
import type { Ops } from '../ops.ts';
import { attr } from '../node.ts';
import type { Value } from '../value.ts';

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

/** What the unrolled forward keeps for the LSTM rule. Every tensor holds all steps as rows, step-major:
 *  [T·B, ·], rows t·B .. (t+1)·B are step t. */
export interface LstmResiduals {
  /** σ of every gate's pre-activation, the cell gate's doubled: i, o, f, (g+1)/2 [T·B, 4H] (tanh x = 2σ(2x) − 1). */
  S: Value;
  /** The cell gate g [T·B, H]. */
  G: Value;
  /** tanh of the cell state [T·B, H]. */
  TC: Value;
  /** The previous step's cell state, zero at t = 0 [T·B, H]. */
  Cprev: Value;
  /** The previous step's hidden state, zero at t = 0 [T·B, H]. */
  Hprev: Value;
  /** The input as rows [T·B, F]. */
  X: Value;
  /** The forget gate of each step [B, H]: the backward recurrence carries dc through them one step at a time. */
  fs: Value[];
}

/** The composite's residuals, typed (Graph.composite stores them as a record). */
export function lstmResiduals(saved: Record<string, Value | Value[]>): LstmResiduals {
  const { S, G, TC, Cprev, Hprev, X, fs } = saved;
  if (!S || !G || !TC || !Cprev || !Hprev || !X || !Array.isArray(fs)) throw new Error('LSTM composite: residuals missing');
  return { S, G, TC, Cprev, Hprev, X, fs } as LstmResiduals;
}

/** [1, 1, 1, 2] per gate block of 4H (ONNX order i, o, f, c): the cell gate's pre-activations are doubled so that
 *  one Sigmoid serves all four gates (tanh x = 2σ(2x) − 1). */
export function cellGateScale(o: Ops, hidden: number, scale = 2): Value {
  return o.floats([4 * hidden], Array.from({ length: 4 * hidden }, (_, k) => (k >= 3 * hidden ? scale : 1)));
}

/** Splits rows [T·B, ·] (or [T, B, ·]) into T equal steps along axis 0. */
export function stepRows(o: Ops, v: Value, T: number): Value[] {
  return T === 1 ? [v] : o.g.add('Split', [v], { axis: attr.int(0), num_outputs: attr.int(T) }, { count: T });
}

/** The same layer unrolled into standard ops (fixed window): ONNX Runtime's CPU LSTM kernel costs more than the
 *  ten small nodes a step this takes (docs/perf.md), and the steps' gates and cell states are kept for the
 *  backward pass, which then has nothing to recompute. Declared as a composite, so autodiff uses the LSTM rule.
 *  A step is one Gemm (h·Rᵀ plus the precomputed input part), one Sigmoid over all four gates, one Split. */
export function lstmUnrolled(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const T = xTime.shape?.[0];
  const F = xTime.shape?.[2];
  if (typeof T !== 'number' || typeof F !== 'number') throw new Error('an unrolled LSTM needs a fixed window and feature count');
  const H = hidden;
  const from = o.g.nodes.length;
  const scale = cellGateScale(o, H);
  const scaleRows = o.unsqueeze(scale, [1]); // [4H, 1]
  const W2 = o.mul(o.squeeze(p.W, [0]), scaleRows); // [4H, F]
  const R2 = o.mul(o.squeeze(p.R, [0]), scaleRows); // [4H, H]
  const b2 = o.mul(o.reduceSum(o.reshape(p.B, [2, 4 * H]), [0], false), scale); // [4H]: input + recurrent bias
  // Input contributions of all steps in one product; only h·Rᵀ is left inside the recurrence.
  const X = o.reshape(xTime, [-1, F]); // [T·B, F]
  const pres = stepRows(o, o.gemm(X, W2, b2, { transB: true }), T); // T × [B, 4H]
  const one = o.scalar(1), two = o.scalar(2);
  const hs: Value[] = [], cs: Value[] = [], ss: Value[] = [], gs: Value[] = [], tcs: Value[] = [], fs: Value[] = [];
  for (let t = 0; t < T; t++) {
    const z = t === 0 ? pres[0]! : o.gemm(hs[t - 1]!, R2, pres[t]!, { transB: true });
    const s = o.sigmoid(z);
    const [i, og, f, sg] = o.split(s, 1, [H, H, H, H]);
    const g = o.sub(o.mul(sg!, two), one);
    const ig = o.mul(i!, g);
    const c = t === 0 ? ig : o.add(o.mul(f!, cs[t - 1]!), ig);
    const tc = o.tanh(c);
    hs.push(o.mul(og!, tc));
    cs.push(c), ss.push(s), gs.push(g), tcs.push(tc), fs.push(f!);
  }
  const rows = (vs: Value[]) => (vs.length === 1 ? vs[0]! : o.concat(vs, 0));
  const zeros = o.g.add('ConstantOfShape', [o.shape(hs[0]!)], {})[0]!; // [B, H]
  const Y = o.reshape(rows(hs), [T, 1, -1, H]);
  const Yh = o.unsqueeze(hs[T - 1]!, [0]);
  const saved: LstmResiduals = {
    S: rows(ss), G: rows(gs), TC: rows(tcs), Cprev: rows([zeros, ...cs.slice(0, -1)]), Hprev: rows([zeros, ...hs.slice(0, -1)]), X, fs,
  };
  o.g.composite('LSTM', from, [xTime, p.W, p.R, p.B], [Y, Yh], { hidden_size: attr.int(H) }, { ...saved });
  return { Y, Yh };
}

/** Runs one LSTM layer over a time-major sequence; returns all hidden states Y [T,1,B,H] and the last Y_h [1,B,H]. */
export function lstm(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const [Y, Yh] = o.g.add('LSTM', [xTime, p.W, p.R, p.B], { hidden_size: attr.int(hidden) }, { count: 2 });
  return { Y: Y!, Yh: Yh! };
}
