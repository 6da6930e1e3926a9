// Parameters between model.onnx's initializers and the flat vector the fused train step works on (all parameters
// concatenated in the manifest's order, each row-major).
import type { OnnxTypes as T } from '../../src/onnx/proto.ts';
import { decodeModel, encodeModel } from '../../src/onnx/codec.ts';
import { tensorFromProto, tensorToProto } from '../../src/onnx/tensor-proto.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import type { ParameterEntry } from './artifacts.ts';

function initializer(model: T.IModelProto, p: ParameterEntry, source: string): T.ITensorProto {
  const t = model.graph?.initializer?.find((i) => i.name === p.name);
  if (!t) throw new Error(`${source} has no initializer "${p.name}" named in manifest.json`);
  return t;
}

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export function flattenParameters(model: T.IModelProto, params: ParameterEntry[], source: string): Float32Array {
  const flat = new Float32Array(params.reduce((a, p) => a + count(p.dims), 0));
  let offset = 0;
  for (const p of params) {
    const t = tensorFromProto(initializer(model, p, source), source);
    if (t.dtype !== 'float32' || t.dims.join(',') !== p.dims.join(',')) {
      throw new Error(`${source}: "${p.name}" is ${t.dtype} [${t.dims.join(',')}], manifest.json says float32 [${p.dims.join(',')}]`);
    }
    flat.set(t.data as Float32Array, offset);
    offset += t.size;
  }
  return flat;
}

/** A copy of the model with the named initializers replaced by slices of `flat`; everything else is kept. */
export function withParameters(modelBytes: Uint8Array, params: ParameterEntry[], flat: Float32Array, source: string): Uint8Array {
  const model = decodeModel(modelBytes, source);
  let offset = 0;
  for (const p of params) {
    const n = count(p.dims);
    const t = initializer(model, p, source);
    Object.assign(t, tensorToProto(p.name, new Tensor('float32', p.dims, flat.slice(offset, offset + n))), { floatData: [] });
    offset += n;
  }
  return encodeModel(model);
}
