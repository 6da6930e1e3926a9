// ModelProto bytes in and out, with errors that name the file and the problem instead of a protobufjs trace.
import type { onnx as T } from 'onnx-proto';
import { OnnxError } from './errors.ts';
import { onnx } from './proto.ts';
import { checkWireBudget } from './wire-budget.ts';

export function encodeModel(model: T.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array, source = 'model'): T.ModelProto {
  if (bytes.length === 0) throw new OnnxError(`${source}: the file is empty, not an ONNX model`);
  checkWireBudget(bytes, source);
  let model: T.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const why = String((e as Error).message ?? e);
    const hint = /index out of range|premature|truncat/i.test(why) ? 'the file is truncated or corrupt' : 'it is not a valid ONNX protobuf';
    throw new OnnxError(`${source}: cannot read ONNX model: ${hint} (${why})`);
  }
  // Any byte string may parse as *some* protobuf; a model must at least have a graph and an opset.
  if (!model.graph) throw new OnnxError(`${source}: not an ONNX model (no graph)`);
  if (!model.opsetImport || model.opsetImport.length === 0) throw new OnnxError(`${source}: not an ONNX model (no opset_import)`);
  return model;
}
