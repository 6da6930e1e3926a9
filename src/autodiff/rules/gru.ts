// Backpropagation through time for ONNX's GRU op (both linear_before_reset forms), with standard ops only, in the
// "columns" layout (per step [·, B]; see graph/layers/columns.ts). As for the LSTM, everything that does not depend on
// the previous step runs once for all steps:
//   1. the gates z, r and the candidate ĥ of every step from X, W, R, B and the hidden states shifted by one step
//      (an unrolled forward pass, declared as a composite GRU, hands them over instead);
//   2. every per-step factor of the backward recurrence (from an unrolled forward, per step from that step's tensors);
//   3. only the truly sequential part (dh through R and z) in reverse, as a Scan or unrolled;
//   4. dX and d initial_h with one Gemm over all steps and rows; dW, dR, dB the same, or, from an unrolled forward
//      and recurrence, step by step (a Gemm with the running sum as its C input) on tensors still in cache.
// With a = pre-activations and h = ĥ + z·(h₋₁ − ĥ):  da_z = dh·(h₋₁ − ĥ)·z(1−z),  da_ĥ = dh·(1−z)(1−ĥ²), and
//   linear_before_reset 1 (ĥ = tanh(Wĥ·x + r·q), q = Rĥ·h₋₁ + Rbĥ): da_r = da_ĥ·(r·q)(1−r), dq = da_ĥ·r,
//     dh₋₁ = dh·z + Rᵀ·[da_z; da_r; dq];
//   linear_before_reset 0 (ĥ = tanh(Wĥ·x + Rĥ·(r·h₋₁) + …)): ds = Rĥᵀ·da_ĥ, da_r = ds·(r·h₋₁)(1−r),
//     dh₋₁ = dh·z + R_zrᵀ·[da_z; da_r] + ds·r.
import { gruBiasColumns, gruResiduals, PER_STEP_MIN_HIDDEN, type GruResiduals, type GruStackedGates, type GruStepGates } from '../../graph/layers/gru.ts';
import { rowsOf, sequenceColumns, sideBySide, stacked, stateColumns, stateRows } from '../../graph/layers/columns.ts';
import type { Ops } from '../../graph/ops.ts';
import type { Value } from '../../graph/value.ts';
import { accumulate, checkRecurrentForm, previousStates, reverseRecurrence, unrolledWindow } from '../recurrence.ts';
import { defineGrad } from '../registry.ts';

/** Step 1 for the GRU op: the residuals an unrolled forward keeps, from a few products over all steps. */
function recompute(o: Ops, X: Value, Wm: Value, Rzr: Value, Rh: Value, Bias: Value | null, Y: Value, h0: Value | null, H: number, lbr: boolean): GruResiduals {
  const Hp = o.transpose(previousStates(o, o.squeeze(Y, [1]), h0), [0, 2, 1]); // h₋₁ [T, H, B]
  const bias = Bias ? gruBiasColumns(o, Bias, H, lbr) : null;
  const xw = o.matmul(Wm, o.transpose(X, [0, 2, 1])); // [T, 3H, B]
  const [xzr, xh] = o.split(bias ? o.add(xw, bias.input) : xw, 1, [2 * H, H]) as [Value, Value];
  const S = o.sigmoid(o.add(xzr, o.matmul(Rzr, Hp)));
  const [z, r] = o.split(S, 1, [H, H]) as [Value, Value];
  let RX: Value, Hc: Value;
  if (lbr) {
    const q = o.matmul(Rh, Hp);
    RX = o.mul(r, bias ? o.add(q, bias.rbh!) : q);
    Hc = o.tanh(o.add(xh, RX));
  } else {
    RX = o.mul(r, Hp);
    Hc = o.tanh(o.add(xh, o.matmul(Rh, RX)));
  }
  const gates = { kind: 'stacked' as const, S, Hc, ZD: o.mul(z, o.sub(Hp, Hc)), RX };
  return { gates, ...(lbr ? {} : { RXcols: sideBySide(o, RX) }), Hprev: sideBySide(o, Hp), X: rowsOf(o, X) };
}

/** What one step (per-step tensors [·, B], axis 0) or all steps ([T, ·, B], axis 1) give the recurrence:
 *  da_z = dh·Kz, da_ĥ = dh·Kh, and da_r = dh·Kh·Kr (linear_before_reset) or ds·Kr, with Kz = z(1−z)·(h₋₁ − ĥ),
 *  Kh = (1−z)(1−ĥ²) and Kr = r(1−r) times what r scales. With linear_before_reset, one block
 *  K = [Kh; Kz; Kh·Kr; Kh·r] (Kh·Kr = (Kh − Kh·r)·r·q) and z; without, Kh, [Kz; Kr] (one Mul with 1 − [z; r]), z and r.
 *  Few nodes: per step they are launched T times. */
function factorsOf(o: Ops, one: Value, g: { s: Value; z: Value; r: Value; hc: Value; zd: Value; rx: Value }, axis: number, lbr: boolean): Value[] {
  const omz = o.sub(one, g.z);
  const Kh = o.mul(omz, o.sub(one, o.mul(g.hc, g.hc)));
  if (!lbr) return [Kh, o.mul(o.concat([g.zd, g.rx], axis), o.sub(one, g.s)), g.z, g.r];
  const u = o.mul(Kh, g.r);
  return [o.concat([Kh, o.mul(g.zd, omz), o.mul(o.sub(Kh, u), g.rx), u], axis), g.z];
}

/** Step 2: the factors, per step from an unrolled forward's own tensors (each a list over the steps), else for all
 *  steps at once. */
function factors(o: Ops, g: GruStepGates | GruStackedGates, H: number, lbr: boolean): (Value | Value[])[] {
  const one = o.scalar(1);
  if (g.kind === 'stacked') {
    const [z, r] = o.split(g.S, 1, [H, H]) as [Value, Value];
    return factorsOf(o, one, { s: g.S, z, r, hc: g.Hc, zd: g.ZD, rx: g.RX }, 1, lbr);
  }
  const steps = g.z.map((z, t) => factorsOf(o, one, { s: g.s[t]!, z, r: g.r[t]!, hc: g.hc[t]!, zd: g.zd[t]!, rx: g.rx[t]! }, 0, lbr));
  return steps[0]!.map((_, k) => steps.map((fs) => fs[k]!));
}

/** An unrolled forward's per-step tensors stacked, for the factors over all steps at once. */
const stackedGates = (o: Ops, g: GruStepGates): GruStackedGates =>
  ({ kind: 'stacked', S: stacked(o, g.s), Hc: stacked(o, g.hc), ZD: stacked(o, g.zd), RX: stacked(o, g.rx) });


defineGrad('GRU', (c) => {
  checkRecurrentForm(c, ['Sigmoid', 'Tanh']);
  const { o, node } = c;
  const lbr = node.int('linear_before_reset', 0) === 1;
  const X = c.I(0), Bias = node.inputs[3] ?? null, h0 = node.inputs[5] ?? null;
  const H = node.int('hidden_size', 0);
  const T = unrolledWindow(c);
  const Wm = o.squeeze(c.I(1), [0]); // [3H, F]
  const Rm = o.squeeze(c.I(2), [0]); // [3H, H]
  const [Rzr, Rh] = o.split(Rm, 0, [2 * H, H]) as [Value, Value];
  const [Wzr, Wh] = o.split(Wm, 0, [2 * H, H]) as [Value, Value];

  // 1. Residuals: kept by an unrolled forward pass, else recomputed.
  const res = c.saved ? gruResiduals(c.saved) : recompute(o, X, Wm, Rzr, Rh, Bias, c.O(0), h0, H, lbr);

  // 2. The recurrence's factors (see factorsOf).
  const st = res.gates.kind === 'steps' && H >= PER_STEP_MIN_HIDDEN ? res.gates : null;
  const fs = factors(o, st ?? (res.gates.kind === 'steps' ? stackedGates(o, res.gates) : res.gates), H, lbr);
  // Per step from here on when both the forward and the recurrence were unrolled: dW, dB and dR from each step's Gemm
  // inputs (the gates' [x_t; 1; h₋₁], h₋₁ zero at t = 0 unless initial_h is given; the candidate's x_t with its row of
  // ones and, without linear_before_reset, r·h₋₁).
  const first = h0 ? 0 : 1;
  const F = X.shape![2] as number;
  const withOnes = (v: Value, rows: number) => { // [rows, F+1] -> dW part [rows, F], bias part [rows]
    const [w, b] = o.split(v, 1, [F, 1]) as [Value, Value];
    return { w, b: o.reshape(b, [rows]) };
  };
  // Σ_t d_t·[x_t; 1; h₋₁]ᵀ split into its input side [·, F+1] and recurrent side [·, H]: the gates' parameter
  // gradients a step at a time, when any is wanted.
  const needsParams = c.needs(1) || c.needs(2) || (Bias && c.needs(3));
  const byGateInput = (ds: Value[] | null) => (ds && needsParams ? o.split(accumulate(o, ds, st!.zin)!, 1, [F + 1, H]) : [null, null]);
  const hShape = res.gates.kind === 'steps' ? o.shape(res.gates.hc[0]!) : o.shape(res.gates.Hc, 1);
  // 3. The recurrence on columns. dh = dY_t + carry; the carry to the step before is dh₋₁ without dY.
  const GY = c.GO(0), GYh = c.GO(1);
  const dY = GY ? sequenceColumns(o, GY) : null;
  const init = GYh ? stateColumns(o, GYh) : o.g.add('ConstantOfShape', [hShape], {})[0]!; // [H, B]
  let dX: Value | null = null, dW: Value | null = null, dR: Value | null = null, dB: Value | null = null, final: Value;
  if (lbr) {
    // One Mul gives all four pre-activation gradients, rows [da_ĥ; da_z; da_r; dq]: the last three, contiguous, are
    // what R's product takes back a step.
    const rec = reverseRecurrence(o, 'gru_bptt', T, [init], [...fs, ...(dY ? [dY] : [])], (b, [carry], [Kt, zt, dYt]) => {
      const dh = dYt ? b.add(dYt, carry!) : carry!;
      const g = b.mul(b.concat([dh, dh, dh, dh], 0), Kt!);
      return { carry: [b.gemm(Rm, b.split(g, 0, [H, 3 * H])[1]!, b.mul(dh, zt!), { transA: true })], out: [g] };
    });
    final = rec.final[0]!;
    const G = () => rec.cols(0); // [4H, T·B]
    const Gs = st && rec.steps ? rec.steps[0]! : null; // [4H, B] a step
    // 4. Rows ĥ, z, r, q: the input side takes ĥ, z, r (reordered to ONNX's z, r, h), the recurrent side z, r, q.
    const inputOrder = (v: Value) => {
      const [h, zr] = o.split(v, 0, [H, 2 * H, H]);
      return o.concat([zr!, h!], 0);
    };
    const recurrent = (v: Value) => o.split(v, 0, [H, 3 * H])[1]!;
    if (c.needs(0)) dX = o.gemm(G(), o.concat([Wh, Wzr, o.zerosLike(Wh)], 0), null, { transA: true });
    // Per step: one product with [x_t; 1; h₋₁] gives the input side's [4H, F+1] and the recurrent side's [4H, H].
    const [byX, byH] = byGateInput(Gs);
    const wb = byX && (c.needs(1) || (Bias && c.needs(3))) ? withOnes(byX, 4 * H) : null;
    if (c.needs(1)) dW = inputOrder(wb ? wb.w : o.gemm(G(), res.X, null));
    if (c.needs(2)) dR = recurrent(byH ?? o.gemm(G(), res.Hprev, null, { transB: true }));
    if (Bias && c.needs(3)) {
      const s = wb ? wb.b : o.reduceSum(G(), [1], false);
      dB = o.concat([inputOrder(s), recurrent(s)], 0);
    }
  } else {
    const rec = reverseRecurrence(o, 'gru_bptt', T, [init], [...fs, ...(dY ? [dY] : [])], (b, [carry], [Kht, Kzrt, zt, rt, dYt]) => {
      const dh = dYt ? b.add(dYt, carry!) : carry!;
      const dah = b.mul(dh, Kht!);
      const ds = b.gemm(Rh, dah, null, { transA: true });
      const dzr = b.mul(b.concat([dh, ds], 0), Kzrt!); // [da_z; da_r]
      return { carry: [b.gemm(Rzr, dzr, b.add(b.mul(dh, zt!), b.mul(ds, rt!)), { transA: true })], out: [dzr, dah] };
    });
    final = rec.final[0]!;
    const Gzr = () => rec.cols(0), Gh = () => rec.cols(1); // [2H, T·B], [H, T·B]
    const Gs = st && rec.steps ? rec.steps : null; // [2H, B], [H, B] a step
    // 4. Both bias halves get the same gradient.
    if (c.needs(0)) dX = o.gemm(Gh(), Wh, o.gemm(Gzr(), Wzr, null, { transA: true }), { transA: true });
    // Per step: the update and reset gates' input side [2H, F+1] and recurrent side [2H, H] from one product with
    // [x_t; 1; h₋₁]; the candidate's from its input columns and r·h₋₁.
    const [zrX, zrH] = byGateInput(Gs && Gs[0]!);
    const wb = (c.needs(1) || (Bias && c.needs(3))) && Gs ? withOnes(o.concat([zrX!, accumulate(o, Gs[1]!, st!.xa)!], 0), 3 * H) : null;
    if (c.needs(1)) dW = wb ? wb.w : o.concat([o.gemm(Gzr(), res.X, null), o.gemm(Gh(), res.X, null)], 0);
    if (c.needs(2)) {
      const h = Gs && accumulate(o, Gs[1]!, st!.rx, first);
      dR = o.concat([zrH ?? o.gemm(Gzr(), res.Hprev, null, { transB: true }), h ?? o.gemm(Gh(), res.RXcols!, null, { transB: true })], 0);
    }
    if (Bias && c.needs(3)) {
      const s = wb ? wb.b : o.concat([o.reduceSum(Gzr(), [1], false), o.reduceSum(Gh(), [1], false)], 0);
      dB = o.concat([s, s], 0);
    }
  }
  if (dX) dX = o.g.add('Reshape', [dX, o.shape(X)], {})[0]!; // [T·B, F] -> [T, B, F]
  const dh0 = h0 && c.needs(5) ? stateRows(o, final) : null;
  const grads = [dX, dW && o.unsqueeze(dW, [0]), dR && o.unsqueeze(dR, [0]), dB && o.unsqueeze(dB, [0]), null, dh0];
  return node.inputs.map((_, k) => grads[k] ?? null);
});
