// Backpropagation through time for ONNX's RNN op (Tanh): h_t = tanh(x_t·Wᵀ + h_{t-1}·Rᵀ + Wb + Rb). The sequential
// part is da_t = (dY_t + da_{t+1}·R)·(1 - h_t²); everything else is one product over all steps.
import type { Value } from '../../graph/value.ts';
import { checkRecurrentForm, previousStates, reverseRecurrence, sumOuter, unrolledWindow } from '../recurrence.ts';
import { defineGrad } from '../registry.ts';

defineGrad('RNN', (c) => {
  checkRecurrentForm(c, ['Tanh']);
  const { o, node } = c;
  const X = c.I(0), Bias = node.inputs[3] ?? null, h0 = node.inputs[5] ?? null;
  const Wm = o.squeeze(c.I(1), [0]); // [H, F]
  const Rm = o.squeeze(c.I(2), [0]); // [H, H]
  const Ys = o.squeeze(c.O(0), [1]); // [T, B, H]
  const A = o.sub(o.scalar(1), o.mul(Ys, Ys)); // tanh' from the output

  const GY = c.GO(0), GYh = c.GO(1);
  const dY = GY ? o.squeeze(GY, [1]) : null;
  const init = GYh ? o.squeeze(GYh, [0]) : o.g.add('ConstantOfShape', [o.shape(Ys, 1)], {})[0]!;
  const { final, outs: [da] } = reverseRecurrence(o, 'rnn_bptt', unrolledWindow(c), [init], [A, ...(dY ? [dY] : [])], (b, [carry], [At, dYt]) => {
    const dat = b.mul(dYt ? b.add(dYt, carry!) : carry!, At!);
    return { carry: [b.matmul(dat, Rm)], out: [dat] };
  });

  let dX: Value | null = null, dW: Value | null = null, dR: Value | null = null, dB: Value | null = null;
  if (c.needs(0)) dX = o.matmul(da!, Wm);
  if (c.needs(1)) dW = o.unsqueeze(sumOuter(o, da!, X), [0]);
  if (c.needs(2)) dR = o.unsqueeze(sumOuter(o, da!, previousStates(o, Ys, h0)), [0]);
  if (Bias && c.needs(3)) {
    const s = o.reduceSum(da!, [0, 1], false); // both bias halves get the same gradient
    dB = o.unsqueeze(o.concat([s, s], 0), [0]);
  }
  const dh0 = h0 && c.needs(5) ? final[0]! : null;
  return node.inputs.map((_, k) => [dX, dW, dR, dB, null, dh0][k] ?? null);
});
