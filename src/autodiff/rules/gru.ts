// Backpropagation through time for ONNX's GRU op (both linear_before_reset forms), with standard ops only, in the
// "columns" layout (per step [·, B]; see graph/layers/columns.ts). As for the LSTM, everything that does not depend on
// the previous step runs once for all steps:
//   1. the gates z, r and the candidate ĥ of every step from X, W, R, B and the hidden states shifted by one step
//      (an unrolled forward pass, declared as a composite GRU, hands them over instead);
//   2. every per-step factor of the backward recurrence;
//   3. only the truly sequential part (dh through R and z) in reverse, as a Scan or unrolled;
//   4. dW, dR, dB, dX and d initial_h with one Gemm each over all steps and rows.
// With a = pre-activations and h = ĥ + z·(h₋₁ − ĥ):  da_z = dh·(h₋₁ − ĥ)·z(1−z),  da_ĥ = dh·(1−z)(1−ĥ²), and
//   linear_before_reset 1 (ĥ = tanh(Wĥ·x + r·q), q = Rĥ·h₋₁ + Rbĥ): da_r = da_ĥ·(r·q)(1−r), dq = da_ĥ·r,
//     dh₋₁ = dh·z + Rᵀ·[da_z; da_r; dq];
//   linear_before_reset 0 (ĥ = tanh(Wĥ·x + Rĥ·(r·h₋₁) + …)): ds = Rĥᵀ·da_ĥ, da_r = ds·(r·h₋₁)(1−r),
//     dh₋₁ = dh·z + R_zrᵀ·[da_z; da_r] + ds·r.
import { gruBiasColumns, gruResiduals, type GruResiduals } from '../../graph/layers/gru.ts';
import { rowsOf, sequenceColumns, sideBySide, stateColumns, stateRows } from '../../graph/layers/columns.ts';
import type { Ops } from '../../graph/ops.ts';
import type { Value } from '../../graph/value.ts';
import { checkRecurrentForm, previousStates, reverseRecurrence, unrolledWindow } from '../recurrence.ts';
import { defineGrad } from '../registry.ts';

/** Step 1 for the GRU op: the residuals an unrolled forward keeps, from a few products over all steps. */
function recompute(o: Ops, X: Value, Wm: Value, Rzr: Value, Rh: Value, Bias: Value | null, Y: Value, h0: Value | null, H: number, lbr: boolean): GruResiduals {
  const Hp = o.transpose(previousStates(o, o.squeeze(Y, [1]), h0), [0, 2, 1]); // h₋₁ [T, H, B]
  const bias = Bias ? gruBiasColumns(o, Bias, H, lbr) : null;
  const xw = o.matmul(Wm, o.transpose(X, [0, 2, 1])); // [T, 3H, B]
  const [xzr, xh] = o.split(bias ? o.add(xw, bias.input) : xw, 1, [2 * H, H]) as [Value, Value];
  const S = o.sigmoid(o.add(xzr, o.matmul(Rzr, Hp)));
  const r = o.split(S, 1, [H, H])[1]!;
  let RX: Value, Hc: Value;
  if (lbr) {
    const q = o.matmul(Rh, Hp);
    RX = o.mul(r, bias ? o.add(q, bias.rbh!) : q);
    Hc = o.tanh(o.add(xh, RX));
  } else {
    RX = o.mul(r, Hp);
    Hc = o.tanh(o.add(xh, o.matmul(Rh, RX)));
  }
  return { S, Hc, D: o.sub(Hp, Hc), RX, ...(lbr ? {} : { RXcols: sideBySide(o, RX) }), Hprev: sideBySide(o, Hp), X: rowsOf(o, X) };
}

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

  // 2. Per-step factors [T, H, B]: da_z = dh·Kz, da_ĥ = dh·Kh, and da_r = dh·Kh·Kr (linear_before_reset) or ds·Kr.
  const one = o.scalar(1);
  const [z, r] = o.split(res.S, 1, [H, H]) as [Value, Value];
  const Kz = o.mul(res.D, o.mul(z, o.sub(one, z)));
  const Kh = o.mul(o.sub(one, z), o.sub(one, o.mul(res.Hc, res.Hc)));
  const Kr = o.mul(res.RX, o.sub(one, r)); // r(1−r) times what r scales

  // 3. The recurrence on columns. dh = dY_t + carry; the carry to the step before is dh₋₁ without dY.
  const GY = c.GO(0), GYh = c.GO(1);
  const dY = GY ? sequenceColumns(o, GY) : null;
  const init = GYh ? stateColumns(o, GYh) : o.g.add('ConstantOfShape', [o.shape(res.Hc, 1)], {})[0]!; // [H, B]
  let dX: Value | null = null, dW: Value | null = null, dR: Value | null = null, dB: Value | null = null, final: Value;
  if (lbr) {
    // One Mul gives all four pre-activation gradients, rows [da_ĥ; da_z; da_r; dq]: the last three, contiguous, are
    // what R's product takes back a step.
    const K = o.concat([Kh, Kz, o.mul(Kh, Kr), o.mul(Kh, r)], 1);
    const rec = reverseRecurrence(o, 'gru_bptt', T, [init], [K, z, ...(dY ? [dY] : [])], (b, [carry], [Kt, zt, dYt]) => {
      const dh = dYt ? b.add(dYt, carry!) : carry!;
      const g = b.mul(b.concat([dh, dh, dh, dh], 0), Kt!);
      return { carry: [b.gemm(Rm, b.split(g, 0, [H, 3 * H])[1]!, b.mul(dh, zt!), { transA: true })], out: [g] };
    });
    final = rec.final[0]!;
    const G = rec.outs[0]!; // [4H, T·B]
    // 4. Rows ĥ, z, r, q: the input side takes ĥ, z, r (reordered to ONNX's z, r, h), the recurrent side z, r, q.
    const inputOrder = (v: Value) => {
      const [h, zr] = o.split(v, 0, [H, 2 * H, H]);
      return o.concat([zr!, h!], 0);
    };
    const recurrent = (v: Value) => o.split(v, 0, [H, 3 * H])[1]!;
    if (c.needs(0)) dX = o.gemm(G, o.concat([Wh, Wzr, o.zerosLike(Wh)], 0), null, { transA: true });
    if (c.needs(1)) dW = inputOrder(o.gemm(G, res.X, null));
    if (c.needs(2)) dR = recurrent(o.gemm(G, res.Hprev, null, { transB: true }));
    if (Bias && c.needs(3)) {
      const s = o.reduceSum(G, [1], false);
      dB = o.concat([inputOrder(s), recurrent(s)], 0);
    }
  } else {
    const Kzr = o.concat([Kz, Kr], 1);
    const rec = reverseRecurrence(o, 'gru_bptt', T, [init], [Kh, Kzr, z, r, ...(dY ? [dY] : [])], (b, [carry], [Kht, Kzrt, zt, rt, dYt]) => {
      const dh = dYt ? b.add(dYt, carry!) : carry!;
      const dah = b.mul(dh, Kht!);
      const ds = b.gemm(Rh, dah, null, { transA: true });
      const dzr = b.mul(b.concat([dh, ds], 0), Kzrt!); // [da_z; da_r]
      return { carry: [b.gemm(Rzr, dzr, b.add(b.mul(dh, zt!), b.mul(ds, rt!)), { transA: true })], out: [dzr, dah] };
    });
    final = rec.final[0]!;
    const [Gzr, Gh] = rec.outs as [Value, Value]; // [2H, T·B], [H, T·B]
    // 4. Both bias halves get the same gradient.
    if (c.needs(0)) dX = o.gemm(Gh, Wh, o.gemm(Gzr, Wzr, null, { transA: true }), { transA: true });
    if (c.needs(1)) dW = o.concat([o.gemm(Gzr, res.X, null), o.gemm(Gh, res.X, null)], 0);
    if (c.needs(2)) dR = o.concat([o.gemm(Gzr, res.Hprev, null, { transB: true }), o.gemm(Gh, res.RXcols!, null, { transB: true })], 0);
    if (Bias && c.needs(3)) {
      const s = o.concat([o.reduceSum(Gzr, [1], false), o.reduceSum(Gh, [1], false)], 0);
      dB = o.concat([s, s], 0);
    }
  }
  if (dX) dX = o.g.add('Reshape', [dX, o.shape(X)], {})[0]!; // [T·B, F] -> [T, B, F]
  const dh0 = h0 && c.needs(5) ? stateRows(o, final) : null;
  const grads = [dX, dW && o.unsqueeze(dW, [0]), dR && o.unsqueeze(dR, [0]), dB && o.unsqueeze(dB, [0]), null, dh0];
  return node.inputs.map((_, k) => grads[k] ?? null);
});
