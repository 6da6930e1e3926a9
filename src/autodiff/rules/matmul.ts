// Matrix products. Gemm's gradients are Gemms again (the transposes become attributes, not nodes).
import type { Ops } from '../../graph/ops.ts';
import type { Value } from '../../graph/value.ts';
import { defineGrad } from '../registry.ts';
import { unbroadcast } from '../unbroadcast.ts';

defineGrad('Gemm', ({ o, node, I, GO, needs }) => {
  const tA = node.int('transA', 0) === 1, tB = node.int('transB', 0) === 1;
  const alpha = node.float('alpha', 1), beta = node.float('beta', 1);
  const g = GO(0)!, A = I(0), B = I(1);
  const s = alpha === 1 ? {} : { alpha };
  // Y = op(A)·op(B): dop(A) = G·op(B)ᵀ, dop(B) = op(A)ᵀ·G, then undo each op.
  const dA = !needs(0) ? null : tA ? o.gemm(B, g, null, { transA: tB, transB: true, ...s }) : o.gemm(g, B, null, { transB: !tB, ...s });
  const dB = !needs(1) ? null : tB ? o.gemm(g, A, null, { transA: true, transB: tA, ...s }) : o.gemm(A, g, null, { transA: !tA, ...s });
  let dC: Value | null = null;
  if (node.inputs[2] && needs(2)) {
    dC = unbroadcast(o, g, I(2));
    if (beta !== 1) dC = o.mul(dC, o.scalar(beta));
  }
  return node.inputs.length === 3 ? [dA, dB, dC] : [dA, dB];
});

function swapLast(o: Ops, v: Value): Value {
  const r = v.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return o.transpose(v, perm);
}

// Batched MatMul; batch broadcasting is undone by the shared helper. A 1-D operand is a matrix with a unit axis
// (a row vector on the left, a column on the right) whose axis the product dropped: put it back, then drop it again.
defineGrad('MatMul', ({ o, I, GO, needs }) => {
  const A0 = I(0), B0 = I(1);
  const A = A0.rank === 1 ? o.unsqueeze(A0, [0]) : A0;
  const B = B0.rank === 1 ? o.unsqueeze(B0, [1]) : B0;
  let g = GO(0)!;
  if (A0.rank === 1) g = o.unsqueeze(g, [B0.rank === 1 ? g.rank : g.rank - 1]);
  if (B0.rank === 1) g = o.unsqueeze(g, [g.rank]);
  const back = (d: Value, v0: Value, axis: number) => (v0.rank === 1 ? o.squeeze(d, [axis]) : d);
  return [
    needs(0) ? back(unbroadcast(o, o.matmul(g, swapLast(o, B)), A), A0, 0) : null,
    needs(1) ? back(unbroadcast(o, o.matmul(swapLast(o, A), g), B), B0, 1) : null,
  ];
});
