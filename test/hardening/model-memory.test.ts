// Models crafted in the protobuf wire format so that a small file decodes into gigabytes of objects (a Long per
// packed int64, an object per empty message): the loader must refuse them in one line, with its peak memory a small
// multiple of the file's size, measured in a child process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeModel, encodeModel } from '../../src/onnx/codec.ts';
import { OnnxError } from '../../src/onnx/errors.ts';
import { MAX_RANK } from '../../src/onnx/wire-budget.ts';
import { inlineModel } from './fixtures/models.ts';

const root = mkdtempSync(join(tmpdir(), 'ingraph-model-memory-'));
after(() => rmSync(root, { recursive: true, force: true }));

const varint = (n: number): number[] => {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return out;
};
/** Field `field`, wire type 2, holding `length` bytes (written by the caller after the header). */
const lengthDelimited = (field: number, length: number): number[] => [...varint(field * 8 + 2), ...varint(length)];

/** A ModelProto file: opset_import { version 18 }, then graph { `graph header` + `body` bytes of `fill` }. */
function writeCrafted(name: string, graphHeader: number[], body: number, fill: number[]): string {
  const opset = [...lengthDelimited(8, 2), 0x10, 18];
  const graphLength = graphHeader.length + body * fill.length;
  const head = Uint8Array.from([...opset, ...lengthDelimited(7, graphLength), ...graphHeader]);
  const path = join(root, name);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    const block = new Uint8Array(fill.length * 1_000_000);
    for (let i = 0; i < block.length; i++) block[i] = fill[i % fill.length]!;
    for (let left = body; left > 0; left -= 1_000_000) writeSync(fd, block, 0, Math.min(left, 1_000_000) * fill.length);
  } finally {
    closeSync(fd);
  }
  return path;
}

function loadInChild(path: string): { outcome: string; maxRssBytes: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'load-model-child.ts'), path], { encoding: 'utf8' });
  return JSON.parse(out) as { outcome: string; maxRssBytes: number };
}

const GB = 2 ** 30;

test('an initializer with 100,000,000 zero dims (a 100 MB file) is refused in one line under 1 GB', (t) => {
  // graph { initializer { dims: packed [0 × 1e8] } }
  const n = 100_000_000;
  const tensor = lengthDelimited(1, n);
  const path = writeCrafted('dims.onnx', [...lengthDelimited(5, tensor.length + n), ...tensor], n, [0]);
  const r = loadInChild(path);
  assert.match(r.outcome, /^OnnxError: .*dims\.onnx: not loaded: a tensor or shape has invalid dims \(100000000 of them; ingraph reads at most 64\)$/);
  t.diagnostic(`peak RSS ${Math.round(r.maxRssBytes / 2 ** 20)} MB`);
  assert.ok(r.maxRssBytes < GB, `peak RSS ${r.maxRssBytes} bytes`);
});

test('a graph of 50,000,000 empty nodes (a 100 MB file) is refused in one line under 1 GB', (t) => {
  const path = writeCrafted('nodes.onnx', [], 50_000_000, [0x0a, 0x00]);
  const r = loadInChild(path);
  assert.match(r.outcome, /^OnnxError: .*nodes\.onnx: not loaded: decoding it would take about \d+ MB of memory \(50000003 messages, 1 strings and int64 values, 0 numbers\), more than the 256 MB ingraph allows/);
  assert.doesNotMatch(r.outcome, /\n/);
  t.diagnostic(`peak RSS ${Math.round(r.maxRssBytes / 2 ** 20)} MB`);
  assert.ok(r.maxRssBytes < GB, `peak RSS ${r.maxRssBytes} bytes`);
});

test('ingraph\'s own model passes the pre-scan and decodes as before', () => {
  const { bytes, proto } = inlineModel();
  assert.deepEqual(encodeModel(decodeModel(bytes, 'model.onnx')), encodeModel(proto));
});

test('a shape of MAX_RANK dims passes, one more is refused', () => {
  const { proto } = inlineModel();
  const input = proto.graph!.input![0]!;
  input.type!.tensorType!.shape!.dim = Array.from({ length: MAX_RANK }, () => ({ dimValue: 1 }));
  assert.doesNotThrow(() => decodeModel(encodeModel(proto), 'm.onnx'));
  input.type!.tensorType!.shape!.dim.push({ dimValue: 1 });
  assert.throws(() => decodeModel(encodeModel(proto), 'm.onnx'), (e: Error) => e instanceof OnnxError && /65 of them/.test(e.message));
});

test('messages nested thousands deep are refused before the decoder recurses', () => {
  // graph { node { attribute { g { node { attribute { g { … } } } } } } }, 2000 levels, built inside out.
  let inner: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const g = [...lengthDelimited(6, inner.length), ...inner];
    const attr = [...lengthDelimited(5, g.length), ...g];
    inner = [...lengthDelimited(1, attr.length), ...attr];
  }
  const bytes = Uint8Array.from([...lengthDelimited(8, 2), 0x10, 18, ...lengthDelimited(7, inner.length), ...inner]);
  assert.throws(() => decodeModel(bytes, 'deep.onnx'), (e: Error) => e instanceof OnnxError && /deep\.onnx: not loaded: its messages nest more than \d+ deep/.test(e.message));
});
