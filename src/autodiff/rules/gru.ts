// Backpropagation through time for ONNX's GRU op (both linear_before_reset forms), with standard ops only. As for
// the LSTM, everything that does not depend on the previous step runs once for all steps:
//   1. the gates z, r and the candidate ĥ of every step from X, W, R, B and the hidden states shifted by one step
//      (an unrolled forward pass, declared as a composite GRU, hands them over instead);
//   2. every per-step factor of the backward recurrence;
//   3. only the truly sequential part (dh through R and z) in reverse, as a Scan or unrolled;
//   4. dW, dR, dB, dX and d initial_h with one product over all steps.
// With a = pre-activations and h = (1-z)·ĥ + z·h₋₁:  da_z = dh·(h₋₁ - ĥ)·z(1-z),  da_ĥ = dh·(1-z)(1-ĥ²), and
//   linear_before_reset 1 (ĥ = tanh(xWĥ + r·q), q = h₋₁Rĥᵀ + Rbĥ): da_r = da_ĥ·q·r(1-r), dq = da_ĥ·r,
//     dh₋₁ = dh·z + [da_z, da_r, dq]·R;
//   linear_before_reset 0 (ĥ = tanh(xWĥ + (r·h₋₁)Rĥᵀ + …)): ds = da_ĥ·Rĥ, da_r = ds·h₋₁·r(1-r),
//     dh₋₁ = dh·z + [da_z, da_r]·R_zr + ds·r.
import type { GruSaved } from '../../graph/layers/gru.ts';
import type { Value } from '../../graph/value.ts';
import { checkRecurrentForm, previousStates, reverseRecurrence, sumOuter, unrolledWindow } from '../recurrence.ts';
import { defineGrad } from '../registry.ts';

defineGrad('GRU', (c) => {
  checkRecurrentForm(c, ['Sigmoid', 'Tanh']);
  const { o, node } = c;
  const lbr = node.int('linear_before_reset', 0) === 1;
  const X = c.I(0), W = c.I(1), R = c.I(2), Bias = node.inputs[3] ?? null, h0 = node.inputs[5] ?? null;
  const H = node.int('hidden_size', 0);
  const T = unrolledWindow(c);

  const Wm = o.squeeze(W, [0]); // [3H, F]
  const Rm = o.squeeze(R, [0]); // [3H, H]
  const [Rzr, Rh] = o.split(Rm, 0, [2 * H, H]);
  const [wb, rb] = Bias ? o.split(Bias, 1, [3 * H, 3 * H]) : [null, null];
  const [rbzr, rbh] = rb ? o.split(rb, 1, [2 * H, H]) : [null, null];
  const saved = c.saved as GruSaved | undefined;
  const Ys = saved ? saved.Ys : o.squeeze(c.O(0), [1]); // [T, B, H]
  const Hprev = previousStates(o, Ys, h0);
  const plus = (a: Value, b: Value | null | undefined) => (b ? o.add(a, b) : a);

  // 1. Gates of every step: kept by an unrolled forward pass, else recomputed in a few products over all steps.
  let z: Value, r: Value, hc: Value;
  const q = lbr ? plus(o.matmul(Hprev, o.transpose(Rh!, [1, 0])), rbh) : null; // [T, B, H]
  if (saved) ({ Z: z, Rg: r, Hc: hc } = saved);
  else {
    const [xzr, xh] = o.split(plus(o.matmul(X, o.transpose(Wm, [1, 0])), wb), 2, [2 * H, H]);
    [z, r] = o.split(o.sigmoid(plus(o.add(xzr!, o.matmul(Hprev, o.transpose(Rzr!, [1, 0]))), rbzr)), 2, [H, H]) as [Value, Value];
    const inner = lbr ? o.mul(r, q!) : plus(o.matmul(o.mul(r, Hprev), o.transpose(Rh!, [1, 0])), rbh);
    hc = o.tanh(o.add(xh!, inner));
  }

  // 2. Per-step factors: da_z = dh·Kz, da_ĥ = dh·Kh, and with linear_before_reset da_r = dh·Kr, dq = dh·Kq.
  const one = o.scalar(1);
  const Kz = o.mul(o.sub(Hprev, hc), o.mul(z, o.sub(one, z)));
  const Kh = o.mul(o.sub(one, z), o.sub(one, o.mul(hc, hc)));
  const dr = o.mul(r, o.sub(one, r));
  const Kr = lbr ? o.mul(o.mul(Kh, q!), dr) : o.mul(Hprev, dr); // without it: da_r = ds·Kr

  // 3. The recurrence. dh = dY_t + carry; the carry to the step before is dh₋₁.
  const GY = c.GO(0), GYh = c.GO(1);
  const dY = GY ? o.squeeze(GY, [1]) : null;
  const zeros = () => o.g.add('ConstantOfShape', [o.shape(Ys, 1)], {})[0]!; // [B, H]
  const K = lbr ? o.concat([Kz, Kr, o.mul(Kh, r)], 2) : o.concat([Kz, Kh], 2);
  const { final, outs } = reverseRecurrence(o, 'gru_bptt', T, [GYh ? o.squeeze(GYh, [0]) : zeros()], [K, z, ...(lbr ? [] : [r, Kr]), ...(dY ? [dY] : [])],
    (b, [carry], [Kt, zt, ...rest]) => {
      const dh = dY ? b.add(rest[rest.length - 1]!, carry!) : carry!;
      if (lbr) {
        const dRin = b.mul(b.concat([dh, dh, dh], -1), Kt!); // [da_z, da_r, dq]
        return { carry: [b.add(b.mul(dh, zt!), b.matmul(dRin, Rm))], out: [dh] };
      }
      const [rt, Krt] = rest as [Value, Value];
      const dzh = b.mul(b.concat([dh, dh], -1), Kt!); // [da_z, da_ĥ]
      const [daz, dah] = b.split(dzh, -1, [H, H]);
      const ds = b.matmul(dah!, Rh!);
      const dzr = b.concat([daz!, b.mul(ds, Krt)], -1);
      return { carry: [b.add(b.add(b.mul(dh, zt!), b.matmul(dzr, Rzr!)), b.mul(ds, rt))], out: [dh, ds] };
    });
  const [dH, ds] = outs as [Value, Value | undefined];

  // 4. Gradients of the inputs, batched over time and batch.
  const daz = o.mul(dH, Kz), dah = o.mul(dH, Kh);
  const dar = lbr ? o.mul(dH, Kr) : o.mul(ds!, Kr);
  const dA = o.concat([daz, dar, dah], 2); // pre-activation gradients, input side [T, B, 3H]
  const dRin = lbr ? o.concat([daz, dar, o.mul(dah, r)], 2) : null; // recurrent side with linear_before_reset
  let dX: Value | null = null, dW: Value | null = null, dR: Value | null = null, dB: Value | null = null;
  if (c.needs(0)) dX = o.matmul(dA, Wm);
  if (c.needs(1)) dW = o.unsqueeze(sumOuter(o, dA, X), [0]);
  if (c.needs(2)) {
    dR = o.unsqueeze(dRin ? sumOuter(o, dRin, Hprev)
      : o.concat([sumOuter(o, o.concat([daz, dar], 2), Hprev), sumOuter(o, dah, o.mul(r, Hprev))], 0), [0]);
  }
  if (Bias && c.needs(3)) {
    const sum = (v: Value) => o.reduceSum(v, [0, 1], false);
    dB = o.unsqueeze(o.concat([sum(dA), dRin ? sum(dRin) : sum(dA)], 0), [0]);
  }
  const dh0 = h0 && c.needs(5) ? final[0]! : null;
  return node.inputs.map((_, k) => [dX, dW, dR, dB, null, dh0][k] ?? null);
});
