// Loads a .onnx file for Node tools: reads it, decodes it, validates it (src/onnx/validate.ts) and reads every
// initializer, resolving external data (model.onnx.data, as PyTorch's dynamo exporter writes) inside the model's
// folder only. A file from anywhere gives a model or one OnnxError, in time and memory bounded by the bytes that
// really exist: no absolute or `..` locations, no symlink that leads out, no range past the end of a data file, no
// FIFO or device that would block or never end.
import { closeSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';
import type { onnx as T } from 'onnx-proto';
import { decodeModel } from '../onnx/codec.ts';
import { OnnxError, quote } from '../onnx/errors.ts';
import { graphFromModel, type ImportedGraph } from '../onnx/load-graph.ts';
import type { Tensor } from '../onnx/tensor.ts';
import type { ExternalReader } from '../onnx/tensor-proto.ts';
import { validateModel } from '../onnx/validate.ts';
import { fileErrorReason, openRegularFile } from './regular-file.ts';

export interface LoadedModel {
  model: T.ModelProto;
  /** The main graph's initializers, external ones included. */
  tensors: Map<string, Tensor>;
  /** Every tensor in the model, by its message (what src/onnx/load-graph.ts reads). */
  byProto: Map<T.ITensorProto, Tensor>;
}

/** Protobuf cannot encode a message over 2 GiB; a bigger file is not a model. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

export function loadModelFile(path: string): LoadedModel {
  const bytes = readRegularFile(path, path, MAX_MODEL_BYTES);
  const reader = new FolderReader(dirname(path), path);
  try {
    return loadModelBytes(bytes, path, reader.read);
  } finally {
    reader.close();
  }
}

/** A model file as the builder's Graph (src/onnx/load-graph.ts). */
export function loadGraphFile(path: string): ImportedGraph {
  const { model, byProto } = loadModelFile(path);
  return graphFromModel(model, byProto, path);
}

/** The same checks on bytes already in memory; `external` reads external data (none: such tensors are refused). */
export function loadModelBytes(bytes: Uint8Array, source: string, external?: ExternalReader): LoadedModel {
  const model = decodeModel(bytes, source);
  const { weights, byProto } = validateModel(model, source, external);
  return { model, tensors: weights, byProto };
}

function readRegularFile(path: string, source: string, max: number): Uint8Array {
  const { fd, size } = openRegularFile(path, (why) => new OnnxError(`cannot read ${source}: ${why}`));
  try {
    if (size > max) throw new OnnxError(`${source}: the file is ${size} bytes, more than an ONNX model can be`);
    return readAt(fd, 0, size, source);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, offset: number, length: number, source: string): Uint8Array {
  const out = new Uint8Array(length);
  for (let got = 0; got < length; ) {
    const n = readSync(fd, out, got, length - got, offset + got);
    if (n === 0) throw new OnnxError(`${source}: the file got shorter while it was read`);
    got += n;
  }
  return out;
}

/** Reads external data from files inside one folder, each file opened once. */
class FolderReader {
  private root: string | null = null;
  private readonly files = new Map<string, { fd: number; size: number; used: number }>();

  constructor(private readonly dir: string, private readonly source: string) {}

  readonly read: ExternalReader = (location, offset, length = 0) => {
    const f = this.open(location);
    if (offset + length > f.size) {
      throw new OnnxError(`${this.source}: external data ${quote(location)} has ${f.size} bytes; a tensor asks for ${length} at offset ${offset}`);
    }
    // Ranges may overlap; reading more bytes than the file holds would let a small file allocate without bound.
    f.used += length;
    if (f.used > f.size) throw new OnnxError(`${this.source}: tensors read more bytes from ${quote(location)} than it holds (overlapping ranges)`);
    return readAt(f.fd, offset, length, `${this.source}: external data ${quote(location)}`);
  };

  close(): void {
    for (const f of this.files.values()) closeSync(f.fd);
    this.files.clear();
  }

  private open(location: string) {
    const known = this.files.get(location);
    if (known) return known;
    const fail = (why: string): never => {
      throw new OnnxError(`${this.source}: external data location ${quote(location)} ${why}`);
    };
    if (location.includes('\0')) fail('contains a NUL byte');
    if (isAbsolute(location) || /^[a-zA-Z]:|^[\\/]/.test(location)) fail('is an absolute path; it must be relative to the model\'s folder');
    if (location.split(/[\\/]/).includes('..')) fail('leaves the model\'s folder');
    this.root ??= this.realpath(this.dir, 'the model\'s folder');
    const real = this.realpath(join(this.root, location), 'it');
    if (real === this.root) fail('names the model\'s folder, not a file');
    if (!real.startsWith(this.root + sep)) fail('leads outside the model\'s folder (through a symbolic link)');
    const { fd, size } = openRegularFile(real, (why) => new OnnxError(`cannot read ${this.source}: external data ${quote(location)}: ${why}`));
    const f = { fd, size, used: 0 };
    this.files.set(location, f);
    return f;
  }

  private realpath(path: string, what: string): string {
    try {
      return realpathSync(path);
    } catch (e) {
      throw new OnnxError(`${this.source}: cannot read external data: ${what === 'it' ? quote(path) : what}: ${fileErrorReason(e)}`);
    }
  }
}
