// A dense layer as one Gemm: y = x · weightᵀ + bias, with PyTorch's [out, in] weight layout.
import type { Ops } from '../ops.ts';
import type { Value } from '../value.ts';

export interface LinearParams {
  weight: Value; // [out, in]
  bias: Value; // [out]
}

export function linear(o: Ops, x: Value, p: LinearParams, name?: string): Value {
  return o.gemm(x, p.weight, p.bias, { transB: true }, name);
}
