// Backpropagation through time for ONNX's RNN op (Tanh): h_t = tanh(W·x_t + R·h_{t-1} + Wb + Rb). The sequential
// part is da_t = (dY_t + Rᵀ·da_{t+1})·(1 - h_t²), on columns [H, B] (see columns.ts); everything else is one
// product over all steps.
import type { Value } from '../../graph/value.ts';
import { rowsOf, sequenceColumns, stateColumns, stateRows } from '../../graph/layers/columns.ts';
import { checkRecurrentForm, previousStates, reverseRecurrence, unrolledWindow } from '../recurrence.ts';
import { defineGrad } from '../registry.ts';

defineGrad('RNN', (c) => {
  checkRecurrentForm(c, ['Tanh']);
  const { o, node } = c;
  const X = c.I(0), Bias = node.inputs[3] ?? null, h0 = node.inputs[5] ?? null;
  const Wm = o.squeeze(c.I(1), [0]); // [H, F]
  const Rm = o.squeeze(c.I(2), [0]); // [H, H]
  const Yc = sequenceColumns(o, c.O(0)); // [T, H, B]
  const A = o.sub(o.scalar(1), o.mul(Yc, Yc)); // tanh' from the output

  const GY = c.GO(0), GYh = c.GO(1);
  const dY = GY ? sequenceColumns(o, GY) : null;
  const init = GYh ? stateColumns(o, GYh) : o.g.add('ConstantOfShape', [o.shape(Yc, 1)], {})[0]!;
  const rec = reverseRecurrence(o, 'rnn_bptt', unrolledWindow(c), [init], [A, ...(dY ? [dY] : [])], (b, [carry], [At, dYt]) => {
    const dat = b.mul(dYt ? b.add(dYt, carry!) : carry!, At!);
    return { carry: [b.gemm(Rm, dat, null, { transA: true })], out: [dat] };
  });
  const { final } = rec, da = rec.cols(0); // [H, T·B]

  let dX: Value | null = null, dW: Value | null = null, dR: Value | null = null, dB: Value | null = null;
  if (c.needs(0)) dX = o.g.add('Reshape', [o.gemm(da, Wm, null, { transA: true }), o.shape(X)], {})[0]!;
  if (c.needs(1)) dW = o.unsqueeze(o.gemm(da, rowsOf(o, X), null), [0]);
  if (c.needs(2)) dR = o.unsqueeze(o.gemm(da, rowsOf(o, previousStates(o, o.squeeze(c.O(0), [1]), h0)), null), [0]);
  if (Bias && c.needs(3)) {
    const s = o.reduceSum(da, [1], false); // both bias halves get the same gradient
    dB = o.unsqueeze(o.concat([s, s], 0), [0]);
  }
  const dh0 = h0 && c.needs(5) ? stateRows(o, final[0]!) : null;
  return node.inputs.map((_, k) => [dX, dW, dR, dB, null, dh0][k] ?? null);
});
