// A dense tensor held in JavaScript memory: dtype, dims and a typed array in row-major order.
import type { DType, TypedArray } from './dtype.ts';

export class Tensor {
  constructor(
    readonly dtype: DType,
    readonly dims: readonly number[],
    readonly data: TypedArray,
  ) {
    const n = sizeOf(dims);
    if (data.length !== n) throw new Error(`tensor of dims [${dims.join(',')}] needs ${n} elements, got ${data.length}`);
  }

  get size(): number {
    return this.data.length;
  }

  static float(dims: readonly number[], values: ArrayLike<number>): Tensor {
    return new Tensor('float32', dims, Float32Array.from(values));
  }

  static int64(dims: readonly number[], values: ArrayLike<number | bigint>): Tensor {
    return new Tensor('int64', dims, BigInt64Array.from(Array.from(values, (v) => BigInt(v))));
  }

  /** Elements as plain numbers (int64 converted), for small tensors such as shapes and axes. */
  numbers(): number[] {
    return Array.from(this.data as ArrayLike<number | bigint>, Number);
  }
}

export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
