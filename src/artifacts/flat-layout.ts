// All parameters as one flat float32 vector, in manifest order, each row-major: how train_step.onnx, checkpoints
// and every driver of the train step hold them. One tensor to copy per run, one optimizer update for all of them.
import { Tensor } from '../onnx/tensor.ts';

export interface FlatEntry {
  name: string;
  dims: number[];
  offset: number;
  size: number;
}

export class FlatLayout {
  readonly entries: readonly FlatEntry[];
  readonly total: number;

  /** Offsets follow the order given. */
  constructor(params: readonly { name: string; dims: readonly number[] }[]) {
    let offset = 0;
    this.entries = params.map((p) => {
      const size = p.dims.reduce((a, b) => a * b, 1);
      const e = { name: p.name, dims: [...p.dims], offset, size };
      offset += size;
      return e;
    });
    this.total = offset;
  }

  /** The flat vector from each parameter's values (`get` returns them row-major). */
  flatten(get: (e: FlatEntry) => ArrayLike<number>): Float32Array {
    const flat = new Float32Array(this.total);
    for (const e of this.entries) {
      const v = get(e);
      if (v.length !== e.size) throw new Error(`parameter "${e.name}" has ${v.length} values; [${e.dims.join(', ')}] needs ${e.size}`);
      flat.set(v, e.offset);
    }
    return flat;
  }

  /** Each parameter's values as a copy out of the flat vector. */
  unflatten(flat: Float32Array): Map<string, Float32Array> {
    this.check(flat);
    return new Map(this.entries.map((e) => [e.name, flat.slice(e.offset, e.offset + e.size)]));
  }

  /** Each parameter as a tensor of its own shape (copies). */
  tensors(flat: Float32Array): Map<string, Tensor> {
    this.check(flat);
    return new Map(this.entries.map((e) => [e.name, new Tensor('float32', e.dims, flat.slice(e.offset, e.offset + e.size))]));
  }

  private check(flat: Float32Array): void {
    if (flat.length !== this.total) throw new Error(`a flat parameter vector of ${flat.length} values; this model has ${this.total}`);
  }
}
