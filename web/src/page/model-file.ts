// An .onnx file read as a model: decoded with a message that says what the file is not, and its external tensors
// (PyTorch's model.onnx.data) found among the files opened or fetched with it.
import { decodeModel } from '../../../src/onnx/codec.ts';
import { inspectModel, type ModelInfo } from '../../../src/onnx/inspect.ts';
import { onnx, type OnnxTypes as T } from '../../../src/onnx/proto.ts';
import type { ExternalReader } from '../../../src/onnx/tensor-proto.ts';
import type { ModelBytes } from '../runtime.ts';

/** Where the model keeps tensors outside itself (PyTorch's model.onnx.data). */
export function externalLocations(model: T.ModelProto): string[] {
  const locations = new Set<string>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const loc = t.externalData?.find((e) => e.key === 'location')?.value;
    if (loc) locations.add(loc);
  }
  return [...locations];
}

export function decode(name: string, bytes: Uint8Array): { model: T.ModelProto; info: ModelInfo } {
  let model: T.ModelProto;
  try {
    model = decodeModel(bytes, name);
  } catch (e) {
    // The protobuf decoder's own words ("index out of range: 25 + 1368161438 > 4096") help nobody here: they go to
    // the console, and the page says what the file is not.
    console.error(e);
    const why = (e as Error).message.replace(/ \([^)]*\)$/, '');
    throw new Error(`${why.includes(': ') ? why : `${name}: ${why}`}. An .onnx file holds an ONNX ModelProto; this one does not read as one (another kind of file, or cut short).`);
  }
  return { model, info: inspectModel(model) };
}

/** Reads a model's external tensors from the files opened or fetched with it. */
export function externalReader(m: ModelBytes): ExternalReader {
  return (location, offset, length) => {
    const file = m.external.find((e) => e.path === location);
    if (!file) throw new Error(`"${location}" was not opened with the model`);
    return file.data.subarray(offset, length === undefined ? undefined : offset + length);
  };
}
