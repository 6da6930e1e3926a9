// Parameters between model.onnx's initializers and the flat vector the fused train step works on (the library's
// FlatLayout: all parameters in the manifest's order, each row-major).
import { FlatLayout } from '../../src/artifacts/flat-layout.ts';
import { FILES } from '../../src/artifacts/manifest.ts';
import type { OnnxTypes as T } from '../../src/onnx/proto.ts';
import { decodeModel, encodeModel } from '../../src/onnx/codec.ts';
import { tensorFromProto, tensorToProto } from '../../src/onnx/tensor-proto.ts';
import type { ParameterEntry } from './artifacts.ts';

function initializer(model: T.IModelProto, name: string, source: string): T.ITensorProto {
  const t = model.graph?.initializer?.find((i) => i.name === name);
  if (!t) throw new Error(`${source} has no initializer "${name}" named in ${FILES.manifest}`);
  return t;
}

export function flattenParameters(model: T.IModelProto, params: ParameterEntry[], source: string): Float32Array {
  return new FlatLayout(params).flatten((p) => {
    const t = tensorFromProto(initializer(model, p.name, source), source);
    if (t.dtype !== 'float32' || t.dims.join(',') !== p.dims.join(',')) {
      throw new Error(`${source}: "${p.name}" is ${t.dtype} [${t.dims.join(',')}], ${FILES.manifest} says float32 [${p.dims.join(',')}]`);
    }
    return t.data as Float32Array;
  });
}

/** A copy of the model with the named initializers replaced by slices of `flat`; everything else is kept. */
export function withParameters(modelBytes: Uint8Array, params: ParameterEntry[], flat: Float32Array, source: string): Uint8Array {
  const model = decodeModel(modelBytes, source);
  for (const [name, t] of new FlatLayout(params).tensors(flat)) {
    Object.assign(initializer(model, name, source), tensorToProto(name, t), { floatData: [] });
  }
  return encodeModel(model);
}
