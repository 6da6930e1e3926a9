// The GRU layer: ONNX's own GRU op (layout 0: [time, batch, features]) with weights named as an interface, mirroring
// lstm.ts. Gate order inside W, R and B is ONNX's: z (update), r (reset), h (candidate); B holds the input biases,
// then the recurrent biases. linear_before_reset = 1 applies the reset gate after the recurrent product, as
// PyTorch's GRU does; 0 applies it before (the original GRU).
import type { Ops } from '../ops.ts';
import { attr } from '../node.ts';
import type { Value } from '../value.ts';
import { sequenceRows, stateColumns, stateRows, stepsOf } from './columns.ts';

export interface GruParams {
  W: Value; // [1, 3H, F]
  R: Value; // [1, 3H, H]
  B: Value; // [1, 6H]
}

export interface GruOptions {
  /** Default true: PyTorch's form, so its weights load unchanged (gates reordered r,z,n → z,r,h). */
  linearBeforeReset?: boolean;
  /** initial_h [1,B,H] (default zeros): the op's sixth input. */
  initialH?: Value;
}

/** What the GRU rule needs of the forward pass, in the "columns" layout (columns.ts): per step [·, B], all steps
 *  [T, ·, B], so that splitting the gates or the steps moves whole contiguous blocks. With
 *  h = ĥ + z·(h₋₁ − ĥ), ĥ = tanh(x·Wĥ + r·q) (linear_before_reset 1, q = Rĥ·h₋₁ + Rbĥ) or tanh(x·Wĥ + Rĥ·(r·h₋₁) + …). */
export interface GruResiduals {
  gates: GruStepGates | GruStackedGates;
  /** Without linear_before_reset, r·h₋₁ again as columns [H, T·B] (step-major): the candidate's recurrent input. */
  RXcols?: Value;
  /** h₋₁ as columns [H, T·B], step-major (initial_h or zero at t = 0). */
  Hprev: Value;
  /** The input as rows [T·B, F]. */
  X: Value;
}

/** What an unrolled forward computed, one [·, B] tensor per step: the rule builds each step's factors from them
 *  where the recurrence reads them, on tensors small enough to stay in cache (docs/perf.md, as for the LSTM). */
export interface GruStepGates {
  kind: 'steps';
  /** σ of the update and reset gates, z then r [2H, B], and each of them [H, B]. */
  s: Value[];
  z: Value[];
  r: Value[];
  /** The candidate ĥ, z·(h₋₁ − ĥ), and the reset gate times what it scales (r·q, or r·h₋₁ without
   *  linear_before_reset). */
  hc: Value[];
  zd: Value[];
  rx: Value[];
  /** h₋₁ (initial_h, or zeros at t = 0). */
  hprev: Value[];
  /** The step's input columns with a row of ones under them [F+1, B]: the candidate's dW and dB. */
  xa: Value[];
  /** The update and reset gates' Gemm input [x_t; 1; h₋₁] ([F+1+H, B]): their dW, dB and dR in one product a step
   *  (from PER_STEP_MIN_HIDDEN; empty below it). */
  zin: Value[];
}

/** The same, recomputed for all steps at once when the forward pass was ONNX's GRU op: [T, ·, B] each. */
export interface GruStackedGates {
  kind: 'stacked';
  S: Value;
  Hc: Value;
  ZD: Value;
  RX: Value;
}

const STEP_KEYS = ['s', 'z', 'r', 'hc', 'zd', 'rx', 'hprev', 'xa', 'zin'] as const;

/** From this hidden size on, an unrolled forward's per-step tensors give the GRU rule's factors and parameter
 *  gradients step by step. Below it a step's tensors are small enough that the passes over all steps stay in cache,
 *  and the nodes that working per step adds cost more than they save (docs/perf.md: slower at hidden 5, faster from
 *  8). The unrolled forward's form follows it. */
export const PER_STEP_MIN_HIDDEN = 8;

/** The composite's residuals, typed (Graph.composite stores them as a record). */
export function gruResiduals(saved: Record<string, Value | Value[]>): GruResiduals {
  const { RXcols, Hprev, X } = saved;
  const one = (v: Value | Value[] | undefined) => (v && !Array.isArray(v) ? v : null);
  if (!one(Hprev) || !one(X) || !STEP_KEYS.every((k) => Array.isArray(saved[k]))) throw new Error('GRU composite: residuals missing');
  const gates = { kind: 'steps', ...Object.fromEntries(STEP_KEYS.map((k) => [k, saved[k]])) } as GruStepGates;
  return { gates, Hprev: Hprev as Value, X: X as Value, ...(one(RXcols) ? { RXcols: RXcols as Value } : {}) };
}

/** The biases as columns: what joins the input side of every gate [3H, 1] (all of them, or with
 *  linear_before_reset all but R's candidate bias), and that bias Rbĥ [H, 1] when it stays inside the reset gate. */
export function gruBiasColumns(o: Ops, B: Value, hidden: number, lbr: boolean): { input: Value; rbh: Value | null } {
  const H = hidden;
  const halves = o.reshape(B, [2, 3 * H]);
  const keep = lbr ? o.mul(halves, o.floats([2, 3 * H], Array.from({ length: 6 * H }, (_, k) => (k >= 5 * H ? 0 : 1)))) : halves;
  const input = o.reshape(o.reduceSum(keep, [0], false), [3 * H, 1]);
  return { input, rbh: lbr ? o.reshape(o.split(B, 1, [5 * H, H])[1]!, [H, 1]) : null };
}

export function gruParamShapes(features: number, hidden: number): Record<keyof GruParams, number[]> {
  return { W: [1, 3 * hidden, features], R: [1, 3 * hidden, hidden], B: [1, 6 * hidden] };
}

const attrsOf = (hidden: number, opts: GruOptions) => ({
  hidden_size: attr.int(hidden),
  linear_before_reset: attr.int(opts.linearBeforeReset === false ? 0 : 1),
});

const inputsOf = (xTime: Value, p: GruParams, opts: GruOptions) => [xTime, p.W, p.R, p.B, ...(opts.initialH ? [null, opts.initialH] : [])];

/** The same layer unrolled into standard ops (fixed window), declared as a composite GRU whose residuals the GRU
 *  rule reuses. The candidate's input products of all steps are one MatMul; a step is a Gemm of [W b R] for the
 *  update and reset gates with the step's input, a row of ones and h₋₁ stacked as columns (no C input to copy) into
 *  one Sigmoid for both gates, a Split along the gate axis, a second Gemm for the candidate, and elementwise ops, all
 *  on columns [·, B] (see GruResiduals). */
export function gruUnrolled(o: Ops, xTime: Value, p: GruParams, hidden: number, opts: GruOptions = {}): { Y: Value; Yh: Value } {
  const T = xTime.shape?.[0];
  const F = xTime.shape?.[2];
  if (typeof T !== 'number' || typeof F !== 'number') throw new Error('an unrolled GRU needs a fixed window and feature count');
  const H = hidden;
  const lbr = opts.linearBeforeReset !== false;
  const from = o.g.nodes.length;
  const [Rzr, Rh] = o.split(o.squeeze(p.R, [0]), 0, [2 * H, H]) as [Value, Value];
  const W = o.squeeze(p.W, [0]);
  const bias = gruBiasColumns(o, p.B, H, lbr);
  // Each step's input columns with a row of ones under them ([T, F+1, B]), the input-side biases joining through it.
  const xt = o.transpose(xTime, [0, 2, 1]); // [T, F, B]
  const ones = o.expand(o.floats([1, 1, 1], [1]), o.concat([o.ints([T, 1]), o.shape(xt, 2)], 0)); // [T, 1, B]
  const xa = o.concat([xt, ones], 1); // [T, F+1, B]
  const xas = stepsOf(o, xa, T);
  // The update and reset gates' product: from hidden PER_STEP_MIN_HIDDEN on, a Gemm of [W b R] with [x_t; 1; h₋₁] a
  // step (no C input to copy, and the rule takes their dW, dB and dR from one product a step); below it, where the
  // rule works on all steps at once, the input part of all steps in one product before the recurrence, added as each
  // step's C (one node a step fewer, docs/perf.md).
  let WbRzr: Value | null = null, xzr: Value[] | null = null, xh: Value[];
  if (H >= PER_STEP_MIN_HIDDEN) {
    const [Wzr, Wh] = o.split(W, 0, [2 * H, H]) as [Value, Value];
    const [bzr, bh] = o.split(bias.input, 0, [2 * H, H]) as [Value, Value];
    WbRzr = o.concat([Wzr, bzr, Rzr], 1); // [2H, F+1+H]
    xh = stepsOf(o, o.matmul(o.concat([Wh, bh], 1), xa), T); // T × [H, B]
  } else {
    const [preZr, preH] = o.split(o.matmul(o.concat([W, bias.input], 1), xa), 1, [2 * H, H]); // [T, 3H, B]
    xzr = stepsOf(o, preZr!, T);
    xh = stepsOf(o, preH!, T);
  }
  // h₋₁ of the first step [H, B]: initial_h, or zeros.
  const h0 = opts.initialH ? stateColumns(o, opts.initialH) : null;
  const first = h0 ?? o.g.add('ConstantOfShape', [o.shape(xh[0]!)], {})[0]!;
  const zins: Value[] = [];
  const hs: Value[] = [], ss: Value[] = [], zs: Value[] = [], rs: Value[] = [], hcs: Value[] = [], zds: Value[] = [], rxs: Value[] = [];
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : hs[t - 1]!;
    if (WbRzr) zins.push(o.concat([xas[t]!, hPrev ?? first], 0));
    const s = o.sigmoid(WbRzr ? o.gemm(WbRzr, zins[t]!, null) : hPrev ? o.gemm(Rzr, hPrev, xzr![t]!) : xzr![t]!);
    const [z, r] = o.split(s, 0, [H, H]) as [Value, Value];
    let rx: Value, hc: Value;
    if (lbr) {
      rx = o.mul(r, hPrev ? o.gemm(Rh, hPrev, bias.rbh) : bias.rbh!);
      hc = o.tanh(o.add(xh[t]!, rx));
    } else if (hPrev) {
      rx = o.mul(r, hPrev);
      hc = o.tanh(o.gemm(Rh, rx, xh[t]!));
    } else {
      hc = o.tanh(xh[t]!);
      rx = first; // r·h₋₁ with h₋₁ = 0
    }
    // h = (1 − z)·ĥ + z·h₋₁ = ĥ + z·(h₋₁ − ĥ); h₋₁ = 0 at the first step unless initial_h is given.
    const d = hPrev ? o.sub(hPrev, hc) : o.neg(hc);
    const zd = o.mul(z, d);
    hs.push(o.add(hc, zd));
    ss.push(s), zs.push(z), rs.push(r), hcs.push(hc), zds.push(zd), rxs.push(rx);
  }
  const columns = (vs: Value[]) => (vs.length === 1 ? vs[0]! : o.concat(vs, 1));
  // Outputs as the GRU op gives them: Y [T, 1, B, H], Y_h [1, B, H].
  const Y = sequenceRows(o, hs);
  const Yh = stateRows(o, hs[T - 1]!);
  const hprev = [first, ...hs.slice(0, -1)];
  const record: Record<string, Value | Value[]> = {
    s: ss, z: zs, r: rs, hc: hcs, zd: zds, rx: rxs, hprev, xa: xas, zin: zins,
    ...(lbr ? {} : { RXcols: columns(rxs) }),
    Hprev: columns(hprev), X: o.reshape(xTime, [-1, F]),
  };
  o.g.composite('GRU', from, inputsOf(xTime, p, opts), [Y, Yh], attrsOf(H, opts), record);
  return { Y, Yh };
}

/** Runs one GRU layer over a time-major sequence; returns all hidden states Y [T,1,B,H] and the last Y_h [1,B,H]. */
export function gru(o: Ops, xTime: Value, p: GruParams, hidden: number, opts: GruOptions = {}): { Y: Value; Yh: Value } {
  const [Y, Yh] = o.g.add('GRU', inputsOf(xTime, p, opts), attrsOf(hidden, opts), { count: 2 });
  return { Y: Y!, Yh: Yh! };
}
