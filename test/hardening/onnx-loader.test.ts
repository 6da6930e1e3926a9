// The ONNX loader (src/node/onnx-file.ts) against hostile files: each gives a model or one clear OnnxError, in
// bounded time and memory, and never opens a file outside the model's folder.
import { forecasterModel } from '../../src/graph/model.ts';
import assert from 'node:assert/strict';
import fs, { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, afterEach, before, describe, mock, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { onnx as T } from 'onnx-proto';
import { encodeCheckpoint } from '../../src/artifacts/checkpoint.ts';
import { trainStepGraph } from '../../src/artifacts/train-step.ts';
import { Rng } from '../../src/data/rng.ts';
import { loadModelFile } from '../../src/node/onnx-file.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { OnnxError } from '../../src/onnx/errors.ts';
import { onnx } from '../../src/onnx/proto.ts';
import { modelProto } from '../../src/onnx/serialize.ts';
import { makeOptimizer } from '../../src/optim/index.ts';
import { predictSeries } from '../../src/train/predict.ts';
import { withSeed } from '../helpers/seed.ts';
import { CONFIG, copyModel, inlineModel, setExternal, writeExternalModel } from './fixtures/models.ts';

const root = mkdtempSync(join(tmpdir(), 'ingraph-loader-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
const freshDir = () => {
  const d = join(root, `m${seq++}`);
  mkdirSync(d);
  return d;
};

// Every file the loader opens is recorded, so each test can prove it stayed inside the model's folder.
const opened: string[] = [];
before(() => {
  const real = fs.openSync;
  mock.method(fs, 'openSync', (...args: Parameters<typeof fs.openSync>) => {
    opened.push(String(args[0]));
    return real(...args);
  });
  syncBuiltinESMExports();
});
after(() => {
  mock.restoreAll();
  syncBuiltinESMExports();
});

/** Loads `path`, and checks that it opened nothing but the model and files inside `folder`. */
function load(path: string, folder: string) {
  opened.length = 0;
  try {
    return loadModelFile(path);
  } finally {
    const inside = realpathSync(folder) + sep;
    for (const p of opened) assert.ok(p === path || realpathSync(p).startsWith(inside), `opened ${p}, outside ${folder}`);
  }
}

/** The OnnxError's message (one line), or "ok"; any other exception fails the test. */
function outcome(path: string, folder: string): string {
  try {
    load(path, folder);
    return 'ok';
  } catch (e) {
    if (!(e instanceof OnnxError)) throw new Error(`${path}: ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.ok(e.message.length < 500, `short: ${e.message.slice(0, 200)}…`);
    return e.message;
  }
}

function refused(path: string, folder: string, why: RegExp): void {
  const m = outcome(path, folder);
  assert.notEqual(m, 'ok', `${path} loaded but should not have (${why})`);
  assert.match(m, why);
}

function writeModel(dir: string, m: T.IModelProto | Uint8Array, name = 'model.onnx'): string {
  const path = join(dir, name);
  writeFileSync(path, m instanceof Uint8Array ? m : encodeModel(m));
  return path;
}

describe('models that must load', () => {
  test('ingraph\'s model.onnx loads with its weights, and so does the fused train step (Loop subgraphs)', () => {
    const dir = freshDir();
    const { bytes, params } = inlineModel();
    const r = load(writeModel(dir, bytes), dir);
    assert.deepEqual([...r.tensors.keys()].filter((k) => params.has(k)).sort(), [...params.keys()].sort());
    for (const [name, t] of params) assert.deepEqual(r.tensors.get(name)!.data, t.data, name);
    const step = encodeModel(modelProto(trainStepGraph(forecasterModel(CONFIG), makeOptimizer('adam'))));
    assert.equal(outcome(writeModel(dir, step, 'train_step.onnx'), dir), 'ok');
  });

  test('external data in model.onnx.data loads the same weights, and ONNX Runtime runs it like the inline model', async () => {
    const dir = freshDir();
    const { path, params } = writeExternalModel(dir);
    const r = load(path, dir);
    for (const [name, t] of params) assert.deepEqual(r.tensors.get(name)!.data, t.data, name);
    // The fixture is the real format: ONNX Runtime reads it and gives the inline model's outputs.
    const x = new ort.Tensor('float32', Float32Array.from({ length: 2 * CONFIG.window }, (_, i) => Math.sin(i)), [2, CONFIG.window, 1]);
    const a = await ort.InferenceSession.create(path);
    const b = await ort.InferenceSession.create(inlineModel().bytes);
    assert.deepEqual((await a.run({ x })).y!.data, (await b.run({ x })).y!.data);
    await Promise.all([a.release(), b.release()]);
  });

  test('a data file reached through a symlink that stays inside the folder is fine', () => {
    const dir = freshDir();
    const { path, proto, data } = writeExternalModel(dir);
    mkdirSync(join(dir, 'weights'));
    writeFileSync(join(dir, 'weights', 'real.data'), data);
    symlinkSync(join(dir, 'weights', 'real.data'), join(dir, 'alias.data'));
    for (const t of proto.graph!.initializer!) setExternal(proto, t.name!, 'location', 'alias.data');
    writeModel(dir, proto);
    assert.equal(outcome(path, dir), 'ok');
  });
});

describe('broken files', () => {
  test('2,000 random byte strings (0-4 KiB) are each an OnnxError', () => withSeed(7, (seed) => {
    const dir = freshDir();
    const rng = Rng.derive(seed, 'random-bytes');
    const messages = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: rng.int(4097) }, () => rng.int(256));
      const m = outcome(writeModel(dir, bytes), dir);
      assert.notEqual(m, 'ok', `random input ${i} loaded`);
      messages.add(m.replace(/\(.*\)/, '').replace(/"[^"]*"/g, '"…"'));
    }
    assert.ok(messages.size >= 2, 'random bytes fail in more than one way');
  }));

  test('model.onnx cut at every offset, and train_step.onnx at 1,500 offsets, is each an OnnxError', () => {
    const dir = freshDir();
    const { bytes } = inlineModel();
    for (let n = 0; n < bytes.length; n++) {
      assert.match(outcome(writeModel(dir, bytes.subarray(0, n)), dir), /empty|truncated|corrupt|not an ONNX model|not a valid|defin|comput|needs/, `cut at ${n}`);
    }
    const step = encodeModel(modelProto(trainStepGraph(forecasterModel(CONFIG), makeOptimizer('adam'))));
    for (let k = 0; k < 1500; k++) {
      const n = Math.floor((k * step.length) / 1500);
      assert.notEqual(outcome(writeModel(dir, step.subarray(0, n)), dir), 'ok', `train_step cut at ${n}`);
    }
  });

  test('valid protobuf or other files that are not a model are refused', () => {
    const dir = freshDir();
    const { proto } = inlineModel();
    const tensor = onnx.TensorProto.encode(proto.graph!.initializer![0]!).finish();
    const graph = onnx.GraphProto.encode(proto.graph!).finish();
    const noGraph = encodeModel({ ...proto, graph: null });
    const noOpset = encodeModel({ ...proto, opsetImport: [] });
    const ckpt = encodeCheckpoint({
      config: CONFIG, optimizer: { name: 'adam', hyper: {} }, step: 0, epoch: 0, rng: 0, extra: {}, tensors: new Map([['p', new Float32Array(4)]]),
    });
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(0), /empty/],
      ['a TensorProto', tensor, /not an ONNX model|cannot read ONNX model/],
      ['a bare GraphProto', graph, /not an ONNX model|cannot read ONNX model/],
      ['a ModelProto without a graph', noGraph, /no graph/],
      ['a ModelProto without opset_import', noOpset, /no opset_import/],
      ['a checkpoint', ckpt, /not an ONNX model|cannot read ONNX model/],
      ['JSON', new TextEncoder().encode('{"graph": {"node": []}}'), /not an ONNX model|cannot read ONNX model/],
      ['zeros', new Uint8Array(1024), /not an ONNX model|cannot read ONNX model/],
    ];
    for (const [what, bytes, why] of cases) refused(writeModel(dir, bytes, `${what.replace(/\W/g, '_')}.onnx`), dir, why);
  });

  test('not a regular file: a folder, a missing file, a FIFO, /dev/zero — refused at once, without blocking', () => {
    const dir = freshDir();
    refused(dir, root, /is a folder/);
    refused(join(dir, 'missing.onnx'), dir, /missing\.onnx: no such file/);
    refused('/dev/zero', '/dev', /not a regular file/);
    execFileSync('mkfifo', [join(dir, 'fifo.onnx')]);
    refused(join(dir, 'fifo.onnx'), dir, /not a regular file/);
  });
});

describe('graphs that do not hold together', () => {
  const model = () => copyModel(inlineModel().proto);
  const dir = freshDir();

  test('a missing initializer names the node and the value', () => {
    const m = model();
    m.graph!.initializer = m.graph!.initializer!.filter((t) => t.name !== 'lstm.W');
    refused(writeModel(dir, m), dir, /node \d+ \("LSTM".*reads "lstm\.W", which no input, initializer or earlier node defines/);
  });

  test('a node reading a value computed later, a duplicate name, an output nothing computes, a node without an op', () => {
    const swapped = model();
    swapped.graph!.node!.reverse();
    refused(writeModel(dir, swapped), dir, /reads ".*", which no input, initializer or earlier node defines/);
    const dup = model();
    dup.graph!.node![1]!.output = [dup.graph!.node![0]!.output![0]!];
    refused(writeModel(dir, dup), dir, /is defined twice/);
    const dupInit = model();
    dupInit.graph!.initializer!.push(dupInit.graph!.initializer![0]!);
    refused(writeModel(dir, dupInit), dir, /initializer "lstm\.W" is defined twice/);
    const out = model();
    out.graph!.output![0]!.name = 'nowhere';
    refused(writeModel(dir, out), dir, /output "nowhere" is not computed by any node/);
    const noOp = model();
    noOp.graph!.node![0]!.opType = '';
    refused(writeModel(dir, noOp), dir, /has no op type/);
  });

  test('subgraphs: an undefined outer name is caught inside a body, and nesting is bounded', () => {
    const step = copyModel(modelProto(trainStepGraph(forecasterModel(CONFIG), makeOptimizer('adam'))));
    const loop = step.graph!.node!.find((n) => n.opType === 'Loop')!;
    const body = loop.attribute!.find((a) => a.name === 'body')!.g!;
    body.node![0]!.input![0] = 'not_in_any_scope';
    refused(writeModel(dir, step), dir, /attribute "body" graph .*reads "not_in_any_scope"/);
    // 40 nested If bodies: a hostile file could nest thousands and overflow the stack.
    const m = model();
    let g: T.IGraphProto = { name: 'leaf', node: [], output: [] };
    for (let k = 0; k < 40; k++) g = { name: `g${k}`, node: [{ opType: 'If', input: ['x'], output: [`o${k}`], attribute: [{ name: 'then_branch', type: 5, g }] }], output: [] };
    m.graph!.node!.unshift(...g.node!);
    refused(writeModel(dir, m), dir, /nest more than 32 deep/);
  });

  test('a wrong dtype: float16, string, an unknown code, or raw bytes of another type\'s size', () => {
    for (const [code, why] of [[10, /FLOAT16, which ingraph does not read/], [8, /STRING/], [999, /type 999/]] as const) {
      const m = model();
      m.graph!.initializer![0]!.dataType = code;
      refused(writeModel(dir, m), dir, why);
    }
    const m = model();
    m.graph!.initializer![0]!.dataType = 11; // DOUBLE, with float32 bytes
    refused(writeModel(dir, m), dir, /tensor "lstm\.W" of dims \[1,20,1\] needs 160 bytes, found 80/);
  });

  test('huge declared dims are refused without allocating (bounded memory; a hang fails at the timeout)', { timeout: 120_000 }, () => {
    const cases: [string, (m: T.ModelProto) => void, RegExp][] = [
      ['2^40 x 2^40 elements', (m) => (m.graph!.initializer![0]!.dims = [2 ** 40, 2 ** 40]), /declares .* elements, more than ingraph will load/],
      ['2^28 floats in 80 bytes', (m) => (m.graph!.initializer![0]!.dims = [2 ** 28]), /needs 1073741824 bytes, found 80/],
      ['a negative dim', (m) => (m.graph!.initializer![0]!.dims = [-1, 80]), /invalid dims \[-1,80\]/],
      ['a dim past 2^53', (m) => (m.graph!.initializer![0]!.dims = [2 ** 62]), /invalid dims/],
      ['a million dims', (m) => (m.graph!.initializer![0]!.dims = Array(1e6).fill(2)), /elements, more than|invalid dims/],
      ['an input dim of 2^62', (m) => (m.graph!.input![0]!.type!.tensorType!.shape!.dim![1]!.dimValue = 2 ** 62), /"x" declares invalid dims/],
      ['a negative input dim', (m) => (m.graph!.input![0]!.type!.tensorType!.shape!.dim![1]!.dimValue = -5), /"x" declares invalid dims \[0,-5,1\]/],
    ];
    for (const [what, edit, why] of cases) {
      const m = model();
      edit(m);
      const path = writeModel(dir, m);
      const rss = process.memoryUsage().rss;
      refused(path, dir, why);
      // A multi-GiB allocation would show here. How long a refusal takes is not asserted (it depends on the
      // machine's load); the test's timeout catches a loop over the declared elements.
      assert.ok(process.memoryUsage().rss - rss < 256 * 2 ** 20, `${what}: RSS grew ${(process.memoryUsage().rss - rss) / 2 ** 20} MiB`);
    }
  });
});

describe('external data stays inside the model\'s folder', () => {
  // The folder holds the model; a sibling file outside it is what an escaping location would reach.
  const base = freshDir();
  const dir = join(base, 'model');
  mkdirSync(dir);
  const secret = join(base, 'secret.bin');
  writeFileSync(secret, new Uint8Array(4096).fill(0x5a));
  const { proto, data } = writeExternalModel(dir);
  const path = join(dir, 'model.onnx');
  const edited = (edit: (m: T.ModelProto) => void) => {
    const m = copyModel(proto);
    edit(m);
    writeModel(dir, m);
    return path;
  };
  afterEach(() => writeModel(dir, proto));

  test('../../etc/passwd, an absolute path, a Windows path, a NUL, and `..` inside a path are refused', () => {
    const cases: [string, RegExp][] = [
      ['../../etc/passwd', /leaves the model's folder/],
      ['../secret.bin', /leaves the model's folder/],
      ['sub/../../secret.bin', /leaves the model's folder/],
      ['..\\secret.bin', /leaves the model's folder/],
      ['/etc/passwd', /is an absolute path/],
      [secret, /is an absolute path/],
      ['C:\\Windows\\win.ini', /is an absolute path/],
      ['\\\\server\\share\\x', /is an absolute path/],
      ['model.onnx.data\0../../etc/passwd', /NUL/],
      ['.', /names the model's folder/],
      ['no-such.data', /no such file/],
    ];
    for (const [location, why] of cases) refused(edited((m) => setExternal(m, 'lstm.W', 'location', location)), dir, why);
  });

  test('symlinks that lead out (to a file, or through a linked folder) are refused', () => {
    symlinkSync(secret, join(dir, 'escape.data'));
    symlinkSync(base, join(dir, 'up'));
    symlinkSync('/etc/passwd', join(dir, 'passwd.data'));
    for (const location of ['escape.data', 'up/secret.bin', 'passwd.data']) {
      refused(edited((m) => setExternal(m, 'lstm.W', 'location', location)), dir, /leads outside the model's folder/);
    }
  });

  test('ranges past the end of the data file, malformed offsets and lengths, and overlapping reads are refused', () => {
    const cases: [string, string, RegExp][] = [
      ['offset', String(data.length - 8), /has \d+ bytes; a tensor asks for 80 at offset/],
      ['offset', String(2 ** 48), /has \d+ bytes; a tensor asks for 80 at offset 281474976710656/],
      ['offset', String(2 ** 60), /invalid external offset\/length/],
      ['offset', '-4', /invalid external offset\/length/],
      ['offset', '0x10', /invalid external offset\/length/],
      ['offset', '1e3', /invalid external offset\/length/],
      ['offset', '', /invalid external offset\/length/],
      ['length', '81', /needs 80 bytes but its external length is 81/],
      ['length', '99999999999999999999', /invalid external offset\/length/],
    ];
    for (const [key, value, why] of cases) refused(edited((m) => setExternal(m, 'lstm.W', key, value)), dir, why);
    // Every tensor pointing at the same bytes: a small file must not be read over and over into memory.
    refused(edited((m) => m.graph!.initializer!.forEach((t) => {
      t.dims = [data.length / 4];
      t.externalData = [{ key: 'location', value: 'model.onnx.data' }, { key: 'offset', value: '0' }, { key: 'length', value: String(data.length) }];
    })), dir, /more bytes from "model\.onnx\.data" than it holds/);
  });

  test('a data file that is a FIFO, a folder or shorter than declared is refused without blocking', () => {
    execFileSync('mkfifo', [join(dir, 'fifo.data')]);
    mkdirSync(join(dir, 'folder.data'));
    writeFileSync(join(dir, 'short.data'), data.subarray(0, 100));
    refused(edited((m) => setExternal(m, 'lstm.W', 'location', 'fifo.data')), dir, /not a regular file/);
    refused(edited((m) => setExternal(m, 'lstm.W', 'location', 'folder.data')), dir, /is a folder/);
    refused(edited((m) => m.graph!.initializer!.forEach((t) => setExternal(m, t.name!, 'location', 'short.data'))), dir, /"short\.data" has 100 bytes; a tensor asks for/);
  });

  test('a Constant node\'s tensor attribute with an escaping location is refused too', () => {
    refused(edited((m) => {
      const t = { ...m.graph!.initializer![0]!, name: 'c' };
      t.externalData = [{ key: 'location', value: '../secret.bin' }, { key: 'offset', value: '0' }, { key: 'length', value: '80' }];
      m.graph!.node!.unshift({ opType: 'Constant', output: ['c_out'], attribute: [{ name: 'value', type: 4, t }] });
    }), dir, /leaves the model's folder/);
  });

  test('the loaded weights never hold the secret\'s bytes', () => {
    const r = load(path, dir);
    for (const [name, t] of r.tensors) assert.ok(!new Uint8Array(t.data.buffer).every((b) => b === 0x5a), name);
    assert.deepEqual(readFileSync(join(dir, 'model.onnx.data')), Buffer.from(data));
  });
});

// Mutations a real file goes through: bit rot, cut-and-paste, a tool that writes wrong fields, a hostile author.
const HOSTILE_LOCATIONS = ['../secret.bin', '../../etc/passwd', '/etc/passwd', 'up/secret.bin', 'escape.data', '.', '', 'model.onnx', 'model.onnx.data', 'x\0y'];
const HOSTILE_NUMBERS = ['0', '4', '80', '-1', '0x10', '1e3', '', ' 8', '9007199254740993', '18446744073709551615', '4096'];
const HOSTILE_DIMS = [0, 1, 2, 5, 20, -1, 2 ** 31, 2 ** 40, 2 ** 53, 2 ** 62];

/** A copy, so that a node put into its own subgraph is not a cycle. */
const copyNode = (n: T.INodeProto) => onnx.NodeProto.decode(onnx.NodeProto.encode(n).finish());

function mutateStructure(rng: Rng, m: T.ModelProto): void {
  const g = m.graph!;
  const pick = <X>(xs: X[]): X | undefined => (xs.length ? xs[rng.int(xs.length)] : undefined);
  const init = pick(g.initializer ?? []);
  const node = pick(g.node ?? []);
  switch (rng.int(14)) {
    case 0: if (node?.input?.length) node.input[rng.int(node.input.length)] = pick([...(g.initializer ?? []).map((t) => t.name!), 'ghost', '', 'x']) ?? ''; break;
    case 1: if (g.node?.length) g.node.splice(rng.int(g.node.length), 1); break;
    case 2: if (g.node && g.node.length > 1) { const i = rng.int(g.node.length), j = rng.int(g.node.length); [g.node[i], g.node[j]] = [g.node[j]!, g.node[i]!]; } break;
    case 3: if (init) init.dims = Array.from({ length: rng.int(4) }, () => pick(HOSTILE_DIMS)!); break;
    case 4: if (init) init.dataType = rng.int(3) === 0 ? 999 : rng.int(17); break;
    case 5: if (init?.rawData?.length) init.rawData = init.rawData.subarray(0, rng.int(init.rawData.length + 1)); break;
    case 6: if (init) { init.dataLocation = 1; init.externalData = [{ key: 'location', value: pick(HOSTILE_LOCATIONS)! }, { key: pick(['offset', 'length'])!, value: pick(HOSTILE_NUMBERS)! }]; } break;
    case 7: if (init?.externalData?.length) pick(init.externalData)!.value = pick([...HOSTILE_LOCATIONS, ...HOSTILE_NUMBERS]); break;
    case 8: { const d = g.input?.[0]?.type?.tensorType?.shape?.dim; if (d?.length) d[rng.int(d.length)]!.dimValue = pick(HOSTILE_DIMS); break; }
    case 9: if (m.opsetImport?.[0]) m.opsetImport[0].version = pick([0, -1, 18, 2 ** 40]); break;
    case 10: if (node) node.attribute = [...(node.attribute ?? []), { name: 'body', type: 5, g: { name: 'sub', node: g.node!.slice(0, rng.int(3)).map(copyNode), output: g.output } }]; break;
    case 11: if (init) g.initializer!.push({ ...init }); break;
    case 12: if (g.output?.[0]) g.output[0].name = pick(['y', 'ghost', '', ...(g.node ?? []).flatMap((n) => n.output ?? [])]) ?? ''; break;
    default: if (init) { init.floatData = Array.from({ length: rng.int(100) }, () => rng.uniform(-1, 1)); init.rawData = new Uint8Array(0); }
  }
}

function mutateBytes(rng: Rng, b: Uint8Array, donor: Uint8Array): Uint8Array {
  const out = Array.from(b);
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const at = rng.int(out.length + 1);
    switch (rng.int(6)) {
      case 0: out[at] = (out[at] ?? 0) ^ (1 << rng.int(8)); break;
      case 1: out[at] = [0, 0x7f, 0x80, 0xff][rng.int(4)]!; break;
      case 2: out.splice(at, 0, ...Array.from({ length: 1 + rng.int(8) }, () => rng.int(256))); break;
      case 3: out.splice(at, 1 + rng.int(16)); break;
      case 4: out.splice(at, 0, ...out.slice(at, at + 1 + rng.int(32))); break;
      default: { const s = rng.int(donor.length); out.splice(at, rng.int(16), ...donor.subarray(s, s + 1 + rng.int(64))); }
    }
  }
  return Uint8Array.from(out);
}

test('fuzz: 4,000 mutated models (inline, external, with subgraphs) each load or give one OnnxError, inside their folder', (t) => withSeed(11, (seed) => {
  const base = freshDir();
  const dir = join(base, 'model');
  mkdirSync(dir);
  writeFileSync(join(base, 'secret.bin'), new Uint8Array(4096).fill(0x5a));
  symlinkSync(join(base, 'secret.bin'), join(dir, 'escape.data'));
  symlinkSync(base, join(dir, 'up'));
  const external = writeExternalModel(dir).proto;
  const inline = inlineModel().proto;
  const step = modelProto(trainStepGraph(forecasterModel(CONFIG), makeOptimizer('adam')));
  const bases = [inline, external, step].map((m) => ({ proto: m, bytes: encodeModel(m) }));
  const rng = Rng.derive(seed, 'onnx-fuzz');
  const counts = { ok: 0, refused: 0 };
  const kinds = new Map<string, number>();
  const N = 4000;
  for (let i = 0; i < N; i++) {
    const b = bases[rng.int(bases.length)]!;
    let bytes: Uint8Array;
    if (rng.int(2) === 0) {
      const m = copyModel(b.proto);
      for (let k = 1 + rng.int(3); k > 0; k--) mutateStructure(rng, m);
      bytes = encodeModel(m);
    } else {
      bytes = mutateBytes(rng, b.bytes, bases[rng.int(bases.length)]!.bytes);
    }
    const path = writeModel(dir, bytes);
    let m: string;
    try {
      m = outcome(path, dir);
    } catch (e) {
      writeFileSync(join(root, 'fuzz-failure.onnx'), bytes);
      throw new Error(`fuzz input ${i}: ${(e as Error).message}`, { cause: e });
    }
    counts[m === 'ok' ? 'ok' : 'refused']++;
    const kind = m.replace(/^[^:]*: /, '').replace(/\(.*\)|"[^"]*"|\d+/g, '_').slice(0, 60);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  t.diagnostic(`seed ${seed}: ${JSON.stringify(counts)}; ${kinds.size} kinds of outcome`);
  if (process.env.FUZZ_KINDS) for (const [k, n] of [...kinds].sort((a, b) => b[1] - a[1])) t.diagnostic(`${n}\t${k}`);
  // Both outcomes must occur, or the mutations are too weak (all ok) or never get past the decoder (all refused).
  assert.ok(counts.ok > N / 50 && counts.refused > N / 2, JSON.stringify(counts));
}));

test('predict reads the model\'s shape through the loader: external weights work, an escaping location is refused first', async () => {
  const base = freshDir();
  const dir = join(base, 'model');
  mkdirSync(dir);
  writeFileSync(join(base, 'secret.bin'), new Uint8Array(4096));
  const { path, proto } = writeExternalModel(dir);
  const inline = writeModel(base, inlineModel().bytes, 'inline.onnx');
  const series = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i / 3));
  const a = await predictSeries(path, series), b = await predictSeries(inline, series);
  assert.equal(a.window, CONFIG.window);
  assert.deepEqual(a.predictions, b.predictions);
  const m = copyModel(proto);
  setExternal(m, 'fc.weight', 'location', '../secret.bin');
  writeModel(dir, m);
  await assert.rejects(predictSeries(path, series), (e: Error) => e instanceof OnnxError && /external data location "\.\.\/secret\.bin" leaves the model's folder/.test(e.message));
});
