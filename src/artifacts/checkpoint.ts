// checkpoint.ckpt: everything a resumed run needs to continue bit for bit.
//   bytes 0..12  "INGRAPHCKPT1\n" (magic with the format version)
//   u32 LE       header length H
//   H bytes      UTF-8 JSON header: { format, version, config, optimizer, step, epoch, rng, extra,
//                tensors: [{ name, dims, offset, length }], payload_crc32, header fields are documented in README }
//   payload      float32 little-endian tensors at the offsets the header gives
// The header carries a CRC-32 of the payload and the file ends where the payload ends, so truncation and
// tampering are caught on load.
import type { ModelConfig } from '../graph/model.ts';

export const CHECKPOINT_VERSION = 1;
const MAGIC = new TextEncoder().encode(`INGRAPHCKPT${CHECKPOINT_VERSION}\n`);

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface CheckpointState {
  config: ModelConfig;
  optimizer: { name: string; hyper: Record<string, number> };
  step: number;
  epoch: number;
  rng: number;
  /** Anything else the trainer wants back (learning rate, batch size, data identity). */
  extra: Record<string, unknown>;
  tensors: Map<string, Float32Array>;
}

interface Header {
  format: 'ingraph-checkpoint';
  version: number;
  config: ModelConfig;
  optimizer: { name: string; hyper: Record<string, number> };
  step: number;
  epoch: number;
  rng: number;
  extra: Record<string, unknown>;
  tensors: { name: string; offset: number; length: number }[];
  payload_crc32: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function encodeCheckpoint(s: CheckpointState): Uint8Array {
  let offset = 0;
  const entries = [...s.tensors].map(([name, data]) => {
    const e = { name, offset, length: data.length };
    offset += data.length * 4;
    return e;
  });
  const payload = new Uint8Array(offset);
  for (const e of entries) payload.set(new Uint8Array(s.tensors.get(e.name)!.slice().buffer), e.offset);
  const header: Header = {
    format: 'ingraph-checkpoint', version: CHECKPOINT_VERSION, config: s.config, optimizer: s.optimizer,
    step: s.step, epoch: s.epoch, rng: s.rng, extra: s.extra, tensors: entries, payload_crc32: crc32(payload),
  };
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(MAGIC.length + 4 + h.length + payload.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, h.length, true);
  out.set(h, MAGIC.length + 4);
  out.set(payload, MAGIC.length + 4 + h.length);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointState {
  const fail = (why: string): never => {
    throw new CheckpointError(`${source}: ${why}`);
  };
  const prefix = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (!prefix.startsWith('INGRAPHCKPT')) fail('not an ingraph checkpoint');
  const version = Number(prefix.slice('INGRAPHCKPT'.length).trim());
  if (version !== CHECKPOINT_VERSION) {
    fail(`checkpoint format version ${prefix.slice(11).trim()} is not supported (this ingraph reads version ${CHECKPOINT_VERSION})`);
  }
  if (bytes.length < MAGIC.length + 4) fail('truncated (no header)');
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4 + hlen;
  if (start > bytes.length) fail('truncated (header cut short)');
  let h: Header;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, start))) as Header;
  } catch {
    return fail('corrupt header');
  }
  if (h.format !== 'ingraph-checkpoint' || h.version !== CHECKPOINT_VERSION) fail('header does not describe an ingraph checkpoint of this version');
  const payload = bytes.subarray(start);
  const expected = (h.tensors ?? []).reduce((n, t) => n + t.length * 4, 0);
  if (payload.length !== expected) fail(`truncated or padded: payload is ${payload.length} bytes, header says ${expected}`);
  if (crc32(payload) !== h.payload_crc32) fail('payload checksum mismatch (the file is corrupt or was modified)');
  const tensors = new Map<string, Float32Array>();
  for (const t of h.tensors) tensors.set(t.name, new Float32Array(payload.slice(t.offset, t.offset + t.length * 4).buffer));
  return { config: h.config, optimizer: h.optimizer, step: h.step, epoch: h.epoch, rng: h.rng, extra: h.extra ?? {}, tensors };
}
