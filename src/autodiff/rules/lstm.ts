// Backpropagation through time for ONNX's LSTM op, with standard ops only. Everything that does not depend on the
// previous step runs once for all steps (see shared/notes/ort-overheads.md: nodes inside the recurrence cost most):
//   1. recompute the gates of every step in one product from X, W, R, B and Y shifted by one step;
//   2. rebuild the cell states (a linear recurrence: c_t = f_t·c_{t-1} + i_t·g_t);
//      (an unrolled forward pass, declared as a composite LSTM, hands both over instead: nothing to recompute)
//   3. precompute every per-step factor of the backward recurrence;
//   4. run only the truly sequential part (dh through R, dc through f) in reverse, as a Scan (any window) or
//      unrolled (fixed window, fewer node launches);
//   5. form dW, dR, dB with one product over all steps and dX with another.
// The gates are held as one Sigmoid over all four blocks with the cell gate's pre-activation doubled
// (tanh x = 2σ(2x) − 1), as the unrolled forward computes them: one form for both paths.
import type { Graph } from '../../graph/graph.ts';
import { attr } from '../../graph/node.ts';
import { Ops } from '../../graph/ops.ts';
import type { Value } from '../../graph/value.ts';
import { cellGateScale, lstmResiduals, MAX_UNROLLED_WINDOW, stepRows, type LstmResiduals } from '../../graph/layers/lstm.ts';
import { defineGrad, type GradContext } from '../registry.ts';


function checkSupported(c: GradContext): void {
  const n = c.node;
  const bad: string[] = [];
  if (n.string('direction', 'forward') !== 'forward') bad.push('direction other than forward');
  if (n.attrs.clip) bad.push('clip');
  if (n.attrs.activations) bad.push('custom activations');
  if (n.int('input_forget', 0) !== 0) bad.push('input_forget');
  if (n.int('layout', 0) !== 0) bad.push('layout 1');
  if (n.inputs.slice(4).some((v) => v)) bad.push('sequence_lens/initial states/peepholes');
  if (bad.length) throw new Error(`LSTM gradient (node ${n.name}): unsupported ${bad.join(', ')}`);
}

/** The residuals as the rule uses them: the composite's ([T·B, ·] rows, forget gates per step), or recomputed
 *  here ([T, B, ·], forget gates for all steps in one tensor). */
type Residuals = Omit<LstmResiduals, 'fs'> & { fs: Value[] | Value };

/** v as rows [T·B, last] (a no-op for rows already). */
function rows(o: Ops, v: Value): Value {
  const s = v.shape!;
  return s.length === 2 ? v : o.reshape(v, [-1, s[s.length - 1] as number]);
}

/** [T, B, H] shifted down one step along time, zero at t = 0. */
function shiftDown(o: Ops, v: Value): Value {
  return o.g.add('Pad', [o.slice(v, [0], [-1], [0]), o.ints([1, 0, 0, 0, 0, 0])], {})[0]!;
}

/** c_t = f_t·c_{t-1} + ig_t with c_{-1} = 0, for all t. */
function cellStates(o: Ops, f: Value, ig: Value, T: number | null): Value {
  if (T !== null) {
    const fs = stepRows(o, f, T), igs = stepRows(o, ig, T);
    const cs: Value[] = [igs[0]!];
    for (let t = 1; t < T; t++) cs.push(o.add(o.mul(fs[t]!, cs[t - 1]!), igs[t]!));
    return T === 1 ? cs[0]! : o.concat(cs, 0);
  }
  const body = o.g.subgraph('lstm_cell_states');
  const b = new Ops(body);
  const H = f.shape![2] as number;
  const cPrev = body.input('c_prev', 'float32', [null, H], true);
  const ft = body.input('f_t', 'float32', [null, H], true);
  const igt = body.input('ig_t', 'float32', [null, H], true);
  const c = b.add(b.mul(ft, cPrev), igt);
  body.output(c);
  body.output(c);
  const [, C] = scan(o.g, body, [o.g.add('ConstantOfShape', [o.shape(f, 1)], {})[0]!], [f, ig], 0);
  return C!;
}

/** Steps 1-2 for the LSTM op: gates from one product with [W R]ᵀ over [x_t, h_{t-1}] for all steps, cells by
 *  their linear recurrence. */
function recompute(o: Ops, X: Value, Wm: Value, Rm: Value, Bias: Value | null, Y: Value, H: number, T: number | null): Residuals {
  const Hprev = shiftDown(o, o.squeeze(Y, [1])); // [T, B, H]: h_{t-1}, zero at t = 0
  let pre = o.matmul(o.concat([X, Hprev], 2), o.transpose(o.concat([Wm, Rm], 1), [1, 0])); // [T, B, 4H]
  if (Bias) pre = o.add(pre, o.reduceSum(o.reshape(Bias, [2, 4 * H]), [0], false));
  const S = o.sigmoid(o.mul(pre, cellGateScale(o, H)));
  const [i, , f, sg] = o.split(S, 2, [H, H, H, H]);
  const G = o.sub(o.mul(sg!, o.scalar(2)), o.scalar(1));
  const C = cellStates(o, f!, o.mul(i!, G), T);
  return { S, G, TC: o.tanh(C), Cprev: shiftDown(o, C), Hprev, X, fs: f! };
}

function scan(g: Graph, body: Graph, states: Value[], xs: Value[], direction: 0 | 1): Value[] {
  const nState = states.length;
  const types = body.outputs.map((v, i) => ({ dtype: v.dtype, shape: i < nState ? v.shape : [xs[0]!.shape![0]!, ...(v.shape ?? [])] }));
  return g.add('Scan', [...states, ...xs], {
    body: attr.graph(body),
    num_scan_inputs: attr.int(xs.length),
    scan_input_directions: attr.ints(xs.map(() => direction)),
    scan_output_directions: attr.ints(body.outputs.slice(nState).map(() => direction)),
  }, { types });
}

interface Reverse {
  A: Value; // dh -> dc factor: o·(1 - tanh(c)²)
  Bcat: Value; // per-gate factors [i, o, f, g] turning (dc, dh, dc, dc) into pre-activation gradients
  f: Value | Value[]; // forget gates for all steps, or per step: dc_{t-1} gets dc_t·f_t
  dY: Value | null; // gradient from Y at every step, laid out as A
  dYh: Value | null; // gradient from Y_h (last step) [1,B,H]
  dYc: Value | null; // gradient from Y_c (last cell state) [1,B,H]
}

/** The sequential core, t = T-1 .. 0: dh = dY_t + dG_{t+1}·R, dc = dh·A_t + dc_{t+1}·f_{t+1},
 *  dG_t = (dc,dh,dc,dc)·Bcat_t. Unrolled, six nodes a step: a Gemm (its C input adds dY_t on rows), two Mul and
 *  an Add for dc, a Concat and a Mul for dG. Returns dG laid out as Bcat ([T·B, 4H] rows or [T, B, 4H]). */
function reverseRecurrence(o: Ops, r: Reverse, Rm: Value, T: number | null, unrolled: boolean, H: number): Value {
  if (unrolled && T !== null) {
    const As = stepRows(o, r.A, T), Bs = stepRows(o, r.Bcat, T), fs = Array.isArray(r.f) ? r.f : stepRows(o, r.f, T);
    const dYs = r.dY ? stepRows(o, r.dY, T) : null;
    const flat = As[0]!.shape!.length === 2; // steps [B, ·] (rows) or [1, B, ·]
    const last = (v: Value | null) => (v && flat ? o.squeeze(v, [0]) : v);
    const dG: Value[] = new Array(T);
    let dcCarry: Value | null = last(r.dYc);
    for (let t = T - 1; t >= 0; t--) {
      let dh: Value;
      if (t === T - 1) {
        const parts = [dYs?.[t], last(r.dYh)].filter((v): v is Value => !!v);
        // No dh at the last step when only Y_c is used.
        dh = parts.length === 2 ? o.add(parts[0]!, parts[1]!) : parts[0] ?? o.zerosLike(As[t]!);
      } else if (!dYs) dh = o.matmul(dG[t + 1]!, Rm);
      else dh = flat ? o.gemm(dG[t + 1]!, Rm, dYs[t]!) : o.add(o.matmul(dG[t + 1]!, Rm), dYs[t]!);
      const dhA = o.mul(dh, As[t]!);
      const dc = dcCarry ? o.add(dhA, dcCarry) : dhA;
      dG[t] = o.mul(o.concat([dc, dh, dc, dc], -1), Bs[t]!);
      if (t > 0) dcCarry = o.mul(dc, fs[t]!);
    }
    return T === 1 ? dG[0]! : o.concat(dG, 0);
  }
  // A Scan over time needs [T, B, ·]: rows are reshaped back.
  const timeMajor = (v: Value) => (v.shape!.length === 3 ? v : o.reshape(v, [T!, -1, v.shape![1] as number]));
  const A = timeMajor(r.A);
  const zeros = () => o.g.add('ConstantOfShape', [o.shape(A, 1)], {})[0]!; // [B, H]
  const body = o.g.subgraph('lstm_bptt');
  const b = new Ops(body);
  const dhC = body.input('dh_carry', 'float32', [null, H], true);
  const dcC = body.input('dc_carry', 'float32', [null, H], true);
  const At = body.input('A_t', 'float32', [null, H], true);
  const Bt = body.input('B_t', 'float32', [null, 4 * H], true);
  const ft = body.input('f_t', 'float32', [null, H], true);
  const dYt = r.dY ? body.input('dY_t', 'float32', [null, H], true) : null;
  const dh = dYt ? b.add(dYt, dhC) : dhC;
  const dc = b.add(b.mul(dh, At), dcC);
  const dGt = b.mul(b.concat([dc, dh, dc, dc], 1), Bt);
  body.output(b.matmul(dGt, Rm));
  body.output(b.mul(dc, ft));
  body.output(dGt);
  const dh0 = r.dYh ? o.squeeze(r.dYh, [0]) : zeros();
  const dc0 = r.dYc ? o.squeeze(r.dYc, [0]) : zeros();
  const f = timeMajor(Array.isArray(r.f) ? o.concat(r.f, 0) : r.f);
  const outs = scan(o.g, body, [dh0, dc0], [A, timeMajor(r.Bcat), f, ...(r.dY ? [timeMajor(r.dY)] : [])], 1);
  return outs[2]!;
}

defineGrad('LSTM', (c) => {
  checkSupported(c);
  const { o } = c;
  const X = c.I(0), W = c.I(1), R = c.I(2), Bias = c.node.inputs[3] ?? null;
  const H = c.node.int('hidden_size', 0);
  const F = X.shape![2] as number;
  const Tdim = X.shape![0];
  const T = typeof Tdim === 'number' ? Tdim : null;
  const mode = c.options.recurrence;
  const unrolled = T !== null && (mode === 'unrolled' || (mode === 'auto' && T <= MAX_UNROLLED_WINDOW));
  if (mode === 'unrolled' && T === null) throw new Error('LSTM gradient: unrolled mode needs a fixed window');

  const Wm = o.squeeze(W, [0]); // [4H, F]
  const Rm = o.squeeze(R, [0]); // [4H, H]
  // 1-2. Gates and cell states of every step: kept by an unrolled forward pass, else recomputed.
  const r: Residuals = c.saved ? lstmResiduals(c.saved) : recompute(o, X, Wm, Rm, Bias, c.O(0), H, unrolled ? T : null);
  const flat = r.S.shape!.length === 2; // the composite's rows [T·B, ·]

  // 3. Per-step factors, for all steps at once.
  const [i, og] = o.split(r.S, -1, [H, H, 2 * H]);
  const A = o.mul(og!, o.sub(o.scalar(1), o.mul(r.TC, r.TC)));
  // σ' of each gate; the cell gate's is dg/dx = 4σ'(2x), as its pre-activation was doubled.
  const k = cellGateScale(o, H, 4);
  const dS = o.mul(r.S, o.sub(k, o.mul(k, r.S)));
  const Bcat = o.mul(o.concat([r.G, r.TC, r.Cprev, i!], -1), dS); // di/dc, do/dh, df/dc, dg/dc; gate order i, o, f, c

  // 4. The recurrence.
  const GY = c.GO(0), GYh = c.GO(1), GYc = c.GO(2);
  const dY = GY ? (flat ? o.reshape(GY, [-1, H]) : o.squeeze(GY, [1])) : null;
  const dG = reverseRecurrence(o, { A, Bcat, f: r.fs, dY, dYh: GYh, dYc: GYc }, Rm, T, unrolled, H);

  // 5. Parameter and input gradients, batched over time and batch: one product each over all steps and rows,
  // Σ_t dG_tᵀ·x_t and Σ_t dG_tᵀ·h_{t-1}.
  let dW: Value | null = null, dR: Value | null = null, dB: Value | null = null, dX: Value | null = null;
  const dG2 = c.needs(1) || c.needs(2) || (Bias && c.needs(3)) ? rows(o, dG) : dG;
  if (c.needs(1)) dW = o.reshape(o.gemm(dG2, rows(o, r.X), null, { transA: true }), [1, 4 * H, F]);
  if (c.needs(2)) dR = o.reshape(o.gemm(dG2, rows(o, r.Hprev), null, { transA: true }), [1, 4 * H, H]);
  if (Bias && c.needs(3)) {
    const dBs = o.reduceSum(dG2, [0], true); // [1, 4H]: both bias halves get the same gradient
    dB = o.concat([dBs, dBs], 1);
  }
  if (c.needs(0)) {
    dX = o.matmul(dG, Wm);
    if (dX.shape!.length === 2) dX = o.reshape(dX, [T!, -1, F]);
  }
  return c.node.inputs.map((_, n) => [dX, dW, dR, dB][n] ?? null);
});
