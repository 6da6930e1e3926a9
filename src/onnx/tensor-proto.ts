// TensorProto <-> Tensor. We write raw little-endian bytes; we read every layout other tools write:
// raw_data, the typed *_data fields, and external data (PyTorch's dynamo exporter puts weights in model.onnx.data).
import type { onnx as T } from 'onnx-proto';
import { allocate, BYTES, codeName, DTYPE_CODE, dtypeFromCode, type DType } from './dtype.ts';
import { formatDims, OnnxError, quote } from './errors.ts';
import { onnx, toNumber } from './proto.ts';
import { sizeOf, Tensor } from './tensor.ts';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('ingraph assumes a little-endian host');

/** Reads `length` bytes at `offset` of the external file `location` (relative to the model's folder). */
export type ExternalReader = (location: string, offset: number, length: number | undefined) => Uint8Array;

export function tensorToProto(name: string, t: Tensor): T.ITensorProto {
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { name, dims: [...t.dims], dataType: DTYPE_CODE[t.dtype], rawData: Uint8Array.from(bytes) };
}

/** The location by which ONNX Runtime takes an external tensor's offset as a memory address in its own process:
 *  from a file it would read (or crash on) any address the file names. */
const ORT_MEMORY_MARKER = '*/_ORT_MEM_ADDR_/*';

/** Largest tensor we agree to materialise from a file: a bound so a hostile header cannot ask for terabytes. */
const MAX_ELEMENTS = 1 << 28;

export function tensorFromProto(tp: T.ITensorProto, where: string, external?: ExternalReader): Tensor {
  const name = tp.name ?? '';
  const code = tp.dataType ?? 0;
  const dtype = dtypeFromCode(code);
  if (!dtype) throw new OnnxError(`${where}: tensor ${quote(name)} has element type ${codeName(code)}, which ingraph does not read`);
  const dims = (tp.dims ?? []).map((d) => toNumber(d as number));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new OnnxError(`${where}: tensor ${quote(name)} has invalid dims ${formatDims(dims)}`);
  }
  const n = sizeOf(dims);
  if (n > MAX_ELEMENTS) throw new OnnxError(`${where}: tensor ${quote(name)} declares ${n} elements, more than ingraph will load`);
  const nbytes = n * BYTES[dtype];
  let raw: Uint8Array | null = null;
  if (tp.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    raw = readExternal(tp, name, where, nbytes, external);
  } else if (tp.rawData && tp.rawData.length > 0) {
    raw = tp.rawData;
  }
  if (raw) {
    if (raw.length !== nbytes) {
      throw new OnnxError(`${where}: tensor ${quote(name)} of dims ${formatDims(dims)} needs ${nbytes} bytes, found ${raw.length}`);
    }
    const out = allocate(dtype, n);
    new Uint8Array(out.buffer).set(raw);
    return new Tensor(dtype, dims, out);
  }
  return new Tensor(dtype, dims, fromTypedFields(tp, dtype, n, name, where));
}

function fromTypedFields(tp: T.ITensorProto, dtype: DType, n: number, name: string, where: string) {
  const src: ArrayLike<number | { toNumber(): number }> =
    dtype === 'float32' ? tp.floatData ?? [] :
    dtype === 'float64' ? tp.doubleData ?? [] :
    dtype === 'int64' ? tp.int64Data ?? [] :
    tp.int32Data ?? [];
  if (src.length !== n) throw new OnnxError(`${where}: tensor ${quote(name)} needs ${n} values, found ${src.length}`);
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    const v = toNumber(src[i] as number);
    (out as unknown as (number | bigint)[])[i] = dtype === 'int64' ? BigInt(v) : v;
  }
  return out;
}

function readExternal(tp: T.ITensorProto, name: string, where: string, nbytes: number, external?: ExternalReader) {
  const kv = new Map((tp.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = kv.get('location');
  if (!location) throw new OnnxError(`${where}: tensor ${quote(name)} is stored externally but names no location`);
  if (location === ORT_MEMORY_MARKER) throw new OnnxError(`${where}: tensor ${quote(name)} names ONNX Runtime's in-memory marker ${quote(location)} as its location, which no file may`);
  if (!external) throw new OnnxError(`${where}: tensor ${quote(name)} is stored in ${quote(location)}, which cannot be read here`);
  // Plain decimal only: Number() would also take "0x10", "1e3", " 7 " and "" (as 0).
  const int = (v: string | undefined, absent: number) => (v === undefined ? absent : /^\d{1,15}$/.test(v) ? Number(v) : NaN);
  const offset = int(kv.get('offset'), 0);
  const length = int(kv.get('length'), nbytes);
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) {
    throw new OnnxError(`${where}: tensor ${quote(name)} has an invalid external offset/length`);
  }
  if (length !== nbytes) {
    throw new OnnxError(`${where}: tensor ${quote(name)} needs ${nbytes} bytes but its external length is ${length}`);
  }
  return external(location, offset, length);
}
