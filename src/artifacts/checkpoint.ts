// checkpoint.ckpt: everything a resumed run needs to continue bit for bit.
//   bytes 0..12  "INGRAPHCKPT1\n" (magic with the format version)
//   u32 LE       header length H
//   H bytes      UTF-8 JSON header: { format, version, config, optimizer, step, epoch, rng, extra,
//                tensors: [{ name, offset, length }], payload_crc32, header_crc32 } (fields documented in README)
//   payload      float32 little-endian tensors at the offsets the header gives
// The header carries a CRC-32 of the payload and one of itself (of its JSON text without the header_crc32 key,
// which comes last), and the file ends where the payload ends, so truncation and tampering are caught on load: a
// flipped digit in the header would otherwise resume at another step or with another learning rate.
import { CELL_NAMES, type ModelConfig } from '../graph/model.ts';
import { UserError } from '../errors.ts';

export const CHECKPOINT_VERSION = 1;
const MAGIC = new TextEncoder().encode(`INGRAPHCKPT${CHECKPOINT_VERSION}\n`);

export class CheckpointError extends UserError {
  override name = 'CheckpointError';
}

export interface CheckpointState {
  /** The forecaster's settings; null for a model built from another tool's file. */
  config: ModelConfig | null;
  optimizer: { name: string; hyper: Record<string, number> };
  step: number;
  epoch: number;
  rng: number;
  /** Anything else the trainer wants back (learning rate, batch size, data identity). */
  extra: Record<string, unknown>;
  tensors: Map<string, Float32Array>;
}

interface Header extends Omit<CheckpointState, 'tensors'> {
  format: 'ingraph-checkpoint';
  version: number;
  tensors: { name: string; offset: number; length: number }[];
  payload_crc32: number;
  header_crc32?: number;
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
  const h = new TextEncoder().encode(JSON.stringify({ ...header, header_crc32: crc32(new TextEncoder().encode(JSON.stringify(header))) }));
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
  // A file cut inside the magic is a truncated checkpoint, not some other file or another version.
  if (bytes.length < MAGIC.length + 4 && new TextDecoder().decode(MAGIC).startsWith(prefix)) fail(bytes.length ? 'truncated (no header)' : 'truncated (the file is empty)');
  if (!prefix.startsWith('INGRAPHCKPT')) fail('not an ingraph checkpoint');
  const version = Number(prefix.slice('INGRAPHCKPT'.length).trim());
  if (version !== CHECKPOINT_VERSION) {
    fail(`checkpoint format version ${prefix.slice(11).trim().replace(/[^\x20-\x7e]/g, '?')} is not supported (this ingraph reads version ${CHECKPOINT_VERSION})`);
  }
  if (bytes.length < MAGIC.length + 4) fail('truncated (no header)');
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4 + hlen;
  if (start > bytes.length) fail('truncated (header cut short)');
  const text = new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, start));
  let h: Header;
  try {
    h = JSON.parse(text) as Header;
  } catch {
    return fail('corrupt header');
  }
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return fail('corrupt header');
  if (h.format !== 'ingraph-checkpoint') fail('header does not describe an ingraph checkpoint');
  if (h.version !== CHECKPOINT_VERSION) fail(`checkpoint format version ${String(h.version).slice(0, 20)} is not supported (this ingraph reads version ${CHECKPOINT_VERSION})`);
  // The writer puts header_crc32 last, so the text without it is the JSON of the rest, byte for byte.
  const { header_crc32: headerCrc, ...rest } = h;
  if (headerCrc !== crc32(new TextEncoder().encode(JSON.stringify(rest)))) fail('header checksum mismatch (the file is corrupt or was modified)');
  if (!Array.isArray(h.tensors)) fail('corrupt header (no tensor table)');
  let expected = 0;
  for (const t of h.tensors) {
    if (typeof t?.name !== 'string' || t.offset !== expected || !Number.isSafeInteger(t.length) || t.length < 0) fail('corrupt header (tensor table)');
    expected += t.length * 4;
  }
  const payload = bytes.subarray(start);
  if (payload.length !== expected) fail(`truncated or padded: payload is ${payload.length} bytes, header says ${expected}`);
  if (crc32(payload) !== h.payload_crc32) fail('payload checksum mismatch (the file is corrupt or was modified)');
  const bad = checkHeaderFields(h);
  if (bad) fail(`corrupt header (${bad})`);
  const tensors = new Map<string, Float32Array>();
  for (const t of h.tensors) tensors.set(t.name, new Float32Array(payload.slice(t.offset, t.offset + t.length * 4).buffer));
  return { config: h.config, optimizer: h.optimizer, step: h.step, epoch: h.epoch, rng: h.rng, extra: h.extra ?? {}, tensors };
}

/** Largest size (hidden units, window, layers, dense widths) a checkpoint may declare; far beyond any real model. */
const MAX_SIZE = 1 << 20;

/**
 * What is wrong with the header's fields, or null. A checksum proves only that the file is as written: one forged
 * with a recomputed CRC must still not resume with a batch size of 0 (an endless loop) or a window of 2^40.
 */
function checkHeaderFields(h: Header): string | null {
  const int = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
  const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const c = h.config as unknown;
  if (c !== null) {
    if (!record(c)) return 'config is not an object';
    for (const k of ['features', 'window', 'hidden', 'layers', 'outputs'] as const) if (!int(c[k], 1, MAX_SIZE)) return `config.${k} is ${show(c[k])}`;
    if (!Array.isArray(c.dense) || c.dense.length > 64 || !c.dense.every((d) => int(d, 1, MAX_SIZE))) return `config.dense is ${show(c.dense)}`;
    if (c.cell !== undefined && !(CELL_NAMES as readonly unknown[]).includes(c.cell)) return `config.cell is ${show(c.cell)}`;
  }
  const o = h.optimizer as unknown;
  if (!record(o) || typeof o.name !== 'string' || !record(o.hyper)) return 'optimizer is not { name, hyper }';
  for (const [k, v] of Object.entries(o.hyper)) if (typeof v !== 'number' || !Number.isFinite(v)) return `optimizer.hyper.${k} is ${show(v)}`;
  if (!int(h.step, 0)) return `step is ${show(h.step)}`;
  if (!int(h.epoch, 0)) return `epoch is ${show(h.epoch)}`;
  if (!int(h.rng, 0, 2 ** 32 - 1)) return `rng is ${show(h.rng)}`;
  if (h.extra !== undefined && !record(h.extra)) return 'extra is not an object';
  const st = h.extra?.settings;
  if (st === undefined) return null;
  if (!record(st)) return 'extra.settings is not an object';
  for (const k of ['hidden', 'layers', 'window', 'batchSize'] as const) if (!int(st[k], 1, MAX_SIZE)) return `extra.settings.${k} is ${show(st[k])}`;
  if (!int(st.epochs, 0)) return `extra.settings.epochs is ${show(st.epochs)}`;
  if (!int(st.seed, 0)) return `extra.settings.seed is ${show(st.seed)}`;
  if (typeof st.lr !== 'number' || !(st.lr > 0) || !Number.isFinite(st.lr)) return `extra.settings.lr is ${show(st.lr)}`;
  if (!Array.isArray(st.dense) || st.dense.length > 64 || !st.dense.every((d) => int(d, 1, MAX_SIZE))) return `extra.settings.dense is ${show(st.dense)}`;
  // Older checkpoints lack some of these; present, they must have their type.
  for (const k of ['normalize', 'accumulateGrad'] as const) if (st[k] !== undefined && typeof st[k] !== 'boolean') return `extra.settings.${k} is ${show(st[k])}`;
  for (const k of ['optimizer', 'loss'] as const) if (st[k] !== undefined && typeof st[k] !== 'string') return `extra.settings.${k} is ${show(st[k])}`;
  return null;
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
