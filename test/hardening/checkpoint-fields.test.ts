// Checkpoints forged with a recomputed CRC: every header field is range-checked on load, so a batch size of 0 (an
// endless loop), a window of 2^40 or a NaN learning rate is one clear CheckpointError, and `train --resume` says so
// in one line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CheckpointError, crc32, decodeCheckpoint } from '../../src/artifacts/checkpoint.ts';

const root = mkdtempSync(join(tmpdir(), 'ingraph-ckpt-fields-'));
after(() => rmSync(root, { recursive: true, force: true }));

// A real checkpoint from a short run of the CLI.
const out = join(root, 'run');
const trained = spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'train', '--epochs', '2', '--out', out, '--quiet'], { encoding: 'utf8' });
assert.equal(trained.status, 0, trained.stderr);
const original = new Uint8Array(readFileSync(join(out, 'checkpoint.ckpt')));

/** The checkpoint with its header changed by `edit` and both checksums recomputed, as a forger would. */
function forge(edit: (h: Record<string, any>) => void): Uint8Array {
  const dv = new DataView(original.buffer, original.byteOffset);
  const hlen = dv.getUint32(13, true);
  const payload = original.subarray(17 + hlen);
  const { header_crc32: _, ...h } = JSON.parse(new TextDecoder().decode(original.subarray(17, 17 + hlen))) as Record<string, any>;
  edit(h);
  h.payload_crc32 = crc32(payload);
  const text = JSON.stringify({ ...h, header_crc32: crc32(new TextEncoder().encode(JSON.stringify(h))) });
  const hb = new TextEncoder().encode(text);
  const bytes = new Uint8Array(17 + hb.length + payload.length);
  bytes.set(original.subarray(0, 13));
  new DataView(bytes.buffer).setUint32(13, hb.length, true);
  bytes.set(hb, 17);
  bytes.set(payload, 17 + hb.length);
  return bytes;
}

const refusal = (bytes: Uint8Array): string => {
  try {
    decodeCheckpoint(bytes, 'ck');
  } catch (e) {
    assert.ok(e instanceof CheckpointError, String(e));
    return e.message;
  }
  return 'ok';
};

test('the untouched checkpoint, re-signed, still loads', () => {
  assert.equal(refusal(forge(() => {})), 'ok');
});

const forgeries: [string, (h: Record<string, any>) => void, RegExp][] = [
  ['batchSize 0', (h) => (h.extra.settings.batchSize = 0), /extra\.settings\.batchSize is 0/],
  ['batchSize 1e12', (h) => (h.extra.settings.batchSize = 1e12), /extra\.settings\.batchSize is 1000000000000/],
  ['batchSize 2.5', (h) => (h.extra.settings.batchSize = 2.5), /extra\.settings\.batchSize is 2\.5/],
  ['epochs -1', (h) => (h.extra.settings.epochs = -1), /extra\.settings\.epochs is -1/],
  ['lr null (NaN in JSON)', (h) => (h.extra.settings.lr = null), /extra\.settings\.lr is null/],
  ['lr 0', (h) => (h.extra.settings.lr = 0), /extra\.settings\.lr is 0/],
  ['settings.window 2^40', (h) => (h.extra.settings.window = 2 ** 40), /extra\.settings\.window is 1099511627776/],
  ['dense of a string', (h) => (h.extra.settings.dense = 'x'), /extra\.settings\.dense is "x"/],
  ['config.hidden 0', (h) => (h.config.hidden = 0), /config\.hidden is 0/],
  ['config.window "10"', (h) => (h.config.window = '10'), /config\.window is "10"/],
  ['config missing', (h) => delete h.config, /config is not an object/],
  ['step -5', (h) => (h.step = -5), /step is -5/],
  ['epoch 1.5', (h) => (h.epoch = 1.5), /epoch is 1\.5/],
  ['rng 2^32', (h) => (h.rng = 2 ** 32), /rng is 4294967296/],
  ['a hyper-parameter as a string', (h) => (h.optimizer.hyper.beta1 = 'x'), /optimizer\.hyper\.beta1 is "x"/],
  ['extra as an array', (h) => (h.extra = []), /extra is not an object/],
];
for (const [what, edit, message] of forgeries) {
  test(`a forged checkpoint with ${what} is refused`, () => {
    const m = refusal(forge(edit));
    assert.match(m, /^ck: corrupt header \(/);
    assert.match(m, message);
  });
}

test('train --resume on a checkpoint forged with batchSize 0 stops at once with one line', () => {
  writeFileSync(join(out, 'checkpoint.ckpt'), forge((h) => (h.extra.settings.batchSize = 0)));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'train', '--resume', '--epochs', '4', '--out', out, '--quiet'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^error: .*checkpoint\.ckpt: corrupt header \(extra\.settings\.batchSize is 0\)\n$/);
});
