// Matrix products. Gemm's gradients are Gemms again (the transposes become attributes, not nodes).
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

function swapLast(o: Parameters<Parameters<typeof defineGrad>[1]>[0]['o'], v: Value): Value {
  const r = v.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return o.transpose(v, perm);
}

// Batched MatMul for rank ≥ 2 operands; batch broadcasting is undone by the shared helper.
defineGrad('MatMul', ({ o, I, GO, needs }) => {
  const A = I(0), B = I(1), g = GO(0)!;
  if (A.rank < 2 || B.rank < 2) throw new Error('MatMul gradient: 1-D operands are not supported');
  return [
    needs(0) ? unbroadcast(o, o.matmul(g, swapLast(o, B)), A) : null,
    needs(1) ? unbroadcast(o, o.matmul(swapLast(o, A), g), B) : null,
  ];
});
