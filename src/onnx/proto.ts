// The protobuf edge: the generated ONNX message classes, re-exported so nothing else imports onnx-proto directly.
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
// eslint-disable-next-line @typescript-eslint/no-namespace
export type { onnx as OnnxTypes } from 'onnx-proto';

/** protobufjs gives int64 fields as number or Long depending on size; the project needs plain numbers. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
