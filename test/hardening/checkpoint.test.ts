// Checkpoints a run must not trust (truncated, tampered, another model's, a future format's) are refused with a
// clear message, and a write that fails leaves the previous checkpoint and model as they were.
import { forecasterModel } from '../../src/graph/model.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, mock, test } from 'node:test';
import { CheckpointError, crc32, decodeCheckpoint, encodeCheckpoint, type CheckpointState } from '../../src/artifacts/checkpoint.ts';
import { flatLayout } from '../../src/artifacts/train-step.ts';
import { Rng } from '../../src/data/rng.ts';
import { writeFileAtomic } from '../../src/node/files.ts';
import { train } from '../../src/train/trainer.ts';

const root = mkdtempSync(join(tmpdir(), 'ingraph-ckpt-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;
const fresh = (from?: string) => {
  const d = join(root, `d${seq++}`);
  if (from) cpSync(from, d, { recursive: true });
  else mkdirSync(d);
  return d;
};
const cli = (args: string[], shell?: string) =>
  shell
    ? spawnSync('bash', ['-c', `${shell}; exec "$0" --import tsx bin/ingraph.ts "$@"`, process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, TSX_DISABLE_CACHE: '1' } })
    : spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });
const oneLine = (stderr: string) => {
  assert.equal(stderr.trim().split('\n').length, 1, `one line on stderr: ${stderr}`);
  return stderr.trim();
};

/** A checkpoint as the trainer writes it: hidden 5, Adam, epoch 3. */
function state(hidden = 5, settingsHidden = hidden): CheckpointState {
  const config = { features: 1, outputs: 1, window: 10, hidden, layers: 1, dense: [] };
  const P = flatLayout(forecasterModel(config)).total;
  const rng = Rng.derive(0, 'ckpt');
  const t = () => Float32Array.from({ length: P }, () => rng.uniform(-1, 1));
  return {
    config, optimizer: { name: 'adam', hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0 } }, step: 36, epoch: 3, rng: 12345,
    extra: {
      settings: { hidden: settingsHidden, layers: 1, window: 10, dense: [], epochs: 3, batchSize: 32, lr: 0.01, optimizer: 'adam', seed: 0, normalize: false },
      data: 'tutorial',
    },
    tensors: new Map([['params', t()], ['exp_avg', t()], ['exp_avg_sq', t().map(Math.abs)]]),
  };
}

describe('decodeCheckpoint', () => {
  const good = state();
  const bytes = encodeCheckpoint(good);
  const refusedWith = (b: Uint8Array): string => {
    try {
      decodeCheckpoint(b, 'ck');
    } catch (e) {
      assert.ok(e instanceof CheckpointError, `${(e as Error).name}: ${(e as Error).message}`);
      return e.message;
    }
    return 'ok';
  };

  test('round trip', () => {
    const back = decodeCheckpoint(bytes);
    assert.deepEqual({ ...back, tensors: [...back.tensors] }, { ...good, tensors: [...good.tensors] });
  });

  test('cut at every length: refused as truncated', () => {
    for (let n = 0; n < bytes.length; n++) assert.match(refusedWith(bytes.subarray(0, n)), /^ck: truncated/, `cut at ${n}`);
    assert.match(refusedWith(Uint8Array.from([...bytes, 0])), /truncated or padded/);
  });

  test('every single-bit flip, header or payload, is refused or leaves the same state', () => {
    let refused = 0, same = 0;
    const where = { header: 0, payload: 0 };
    const payloadStart = bytes.length - [...good.tensors.values()].reduce((n, t) => n + t.byteLength, 0);
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = bytes.slice();
        b[i] ^= 1 << bit;
        const m = refusedWith(b);
        if (m === 'ok') {
          // e.g. "1e-8" -> "1E-8": another spelling of the same header.
          const back = decodeCheckpoint(b);
          assert.deepEqual({ ...back, tensors: [...back.tensors] }, { ...good, tensors: [...good.tensors] }, `flip of bit ${bit} at ${i} changed the state silently`);
          same++;
        } else {
          refused++;
          where[i >= payloadStart ? 'payload' : 'header']++;
        }
      }
    }
    assert.ok(refused > 0.99 * (refused + same), `${refused} refused, ${same} harmless`);
    assert.ok(where.header > 1000 && where.payload > 1000);
  });

  test('a flipped payload byte and a changed header number each name the checksum', () => {
    const payload = bytes.slice();
    payload[payload.length - 5] ^= 0x01;
    assert.match(refusedWith(payload), /ck: payload checksum mismatch \(the file is corrupt or was modified\)/);
    // "epoch":3 -> "epoch":7 is still valid JSON: only the header's own checksum catches it.
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('"epoch":3') + '"epoch":'.length;
    const header = bytes.slice();
    header[at] = '7'.charCodeAt(0);
    assert.match(refusedWith(header), /ck: header checksum mismatch/);
  });

  test('headers that parse but do not describe a checkpoint are refused, not crashed on', () => {
    const withHeader = (h: unknown) => {
      const text = JSON.stringify(h);
      const json = h && typeof h === 'object' && !Array.isArray(h) ? JSON.stringify({ ...h, header_crc32: crc32(new TextEncoder().encode(text)) }) : text;
      const hb = new TextEncoder().encode(json);
      const out = new Uint8Array(13 + 4 + hb.length);
      out.set(new TextEncoder().encode('INGRAPHCKPT1\n'));
      new DataView(out.buffer).setUint32(13, hb.length, true);
      out.set(hb, 17);
      return out;
    };
    const base = { format: 'ingraph-checkpoint', version: 1, config: {}, optimizer: {}, step: 0, epoch: 0, rng: 0, extra: {}, payload_crc32: 0 };
    assert.match(refusedWith(withHeader(null)), /corrupt header/);
    assert.match(refusedWith(withHeader([1, 2])), /corrupt header/);
    assert.match(refusedWith(withHeader(7)), /corrupt header/);
    assert.match(refusedWith(withHeader({ ...base, tensors: 'x' })), /corrupt header \(no tensor table\)/);
    assert.match(refusedWith(withHeader({ ...base, tensors: [null] })), /corrupt header \(tensor table\)/);
    assert.match(refusedWith(withHeader({ ...base, tensors: [{ name: 'p', offset: 2, length: 1 }] })), /corrupt header \(tensor table\)/);
    assert.match(refusedWith(withHeader({ ...base, tensors: [{ name: 'p', offset: 0, length: -1 }] })), /corrupt header \(tensor table\)/);
    assert.match(refusedWith(withHeader({ ...base, format: 'other' })), /does not describe an ingraph checkpoint/);
  });

  test('a future format version is refused, naming both versions', () => {
    const v2 = bytes.slice();
    v2.set(new TextEncoder().encode('INGRAPHCKPT2\n'));
    assert.match(refusedWith(v2), /ck: checkpoint format version 2 is not supported \(this ingraph reads version 1\)/);
    const text = new TextDecoder().decode(bytes).replace('"version":1', '"version":2');
    assert.match(refusedWith(new TextEncoder().encode(text)), /checkpoint format version 2 is not supported/);
  });
});

describe('resuming from a bad checkpoint', () => {
  // One real run (3 epochs) whose folder each case copies, so every case resumes next to real artifacts.
  let trained: string;
  before(async () => {
    trained = fresh();
    await train({ out: trained, epochs: 3 });
  });
  const resumeWith = async (ckpt: Uint8Array, opts: { hidden?: number } = {}) => {
    const out = fresh(trained);
    writeFileSync(join(out, 'checkpoint.ckpt'), ckpt);
    const model = readFileSync(join(out, 'model.onnx'));
    let message = 'resumed';
    try {
      await train({ out, epochs: 5, resume: true, ...opts });
    } catch (e) {
      message = (e as Error).message;
    }
    // Refused before anything was written: the checkpoint and the model are as they were.
    if (message !== 'resumed') {
      assert.deepEqual(readFileSync(join(out, 'checkpoint.ckpt')), Buffer.from(ckpt));
      assert.deepEqual(readFileSync(join(out, 'model.onnx')), model);
    }
    return message;
  };

  test('truncated, tampered and future-version checkpoints are refused and left alone', async () => {
    const ckpt = new Uint8Array(readFileSync(join(trained, 'checkpoint.ckpt')));
    assert.match(await resumeWith(ckpt.subarray(0, ckpt.length - 10)), /checkpoint\.ckpt: truncated or padded/);
    const flipped = ckpt.slice();
    flipped[ckpt.length - 1] ^= 0x80;
    assert.match(await resumeWith(flipped), /checkpoint\.ckpt: payload checksum mismatch/);
    const v2 = ckpt.slice();
    v2[11] = '2'.charCodeAt(0);
    assert.match(await resumeWith(v2), /checkpoint\.ckpt: checkpoint format version 2 is not supported/);
  });

  test('a checkpoint for another model (config hidden 6, run with hidden 5) is refused', async () => {
    assert.match(await resumeWith(encodeCheckpoint(state(6, 5))), /checkpoint\.ckpt: the checkpoint is for another model configuration \(.*"hidden":6/);
  });

  test('--hidden 5 --resume over a whole hidden-6 checkpoint is refused, not trained as hidden 6', async () => {
    assert.equal(
      await resumeWith(encodeCheckpoint(state(6)), { hidden: 5 }),
      '--resume: the checkpoint was trained with hidden 6, not 5; drop that flag to resume, or train without --resume',
    );
  });

  test('the CLI says it in one line with exit code 1', () => {
    const out = fresh(trained);
    const ckpt = readFileSync(join(out, 'checkpoint.ckpt'));
    writeFileSync(join(out, 'checkpoint.ckpt'), ckpt.subarray(0, 100));
    const r = cli(['train', '--resume', '--out', out, '--quiet']);
    assert.equal(r.status, 1);
    assert.match(oneLine(r.stderr), /^error: .*checkpoint\.ckpt: truncated/);
  });
});

describe('a write that fails', () => {
  const failing = (method: 'writeSync' | 'fsyncSync' | 'renameSync', code: string) => {
    mock.method(fs, method, () => {
      throw Object.assign(new Error(`${code}: simulated`), { code });
    });
    syncBuiltinESMExports();
  };
  const restore = () => {
    mock.restoreAll();
    syncBuiltinESMExports();
  };

  test('disk full, an I/O error at flush, a failed rename: the old file stays whole and no temp file is left', () => {
    const dir = fresh();
    const path = join(dir, 'checkpoint.ckpt');
    writeFileAtomic(path, 'previous');
    const cases: ['writeSync' | 'fsyncSync' | 'renameSync', string, RegExp][] = [
      ['writeSync', 'ENOSPC', /the disk is full/],
      ['writeSync', 'EDQUOT', /the disk quota is used up/],
      ['fsyncSync', 'EIO', /EIO: simulated/],
      ['renameSync', 'EROFS', /the folder is not writable/],
    ];
    for (const [method, code, why] of cases) {
      failing(method, code);
      try {
        assert.throws(() => writeFileAtomic(path, 'new contents'), (e: Error) => {
          assert.match(e.message, new RegExp(`^cannot write ${path}: `));
          assert.match(e.message, why);
          assert.match(e.message, /the previous file, if any, is unchanged$/);
          return true;
        });
      } finally {
        restore();
      }
      assert.equal(readFileSync(path, 'utf8'), 'previous', `${method} ${code}`);
      assert.deepEqual(readdirSync(dir), ['checkpoint.ckpt'], `${method} ${code}: temp file left behind`);
    }
  });

  test('a folder on the path that is a file gives a WriteError naming it (it used to leak an lstat ENOTDIR)', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'models'), 'a file');
    assert.throws(() => writeFileAtomic(join(dir, 'models', 'checkpoint.ckpt'), 'x'), /cannot write .*models\/checkpoint\.ckpt: a folder on its path is a file; the previous file, if any, is unchanged/);
  });

  test('training that cannot write its checkpoint (file size limit) stops with one line and keeps the old checkpoint and model', async () => {
    // Runs as root, where a read-only folder does not stop writes: a file size limit (ulimit -f, EFBIG) fails them for
    // real. 2 KiB lets the log through and stops the 2.6 KB checkpoint.
    const out = fresh();
    await train({ out, epochs: 3 });
    const before = { ckpt: readFileSync(join(out, 'checkpoint.ckpt')), model: readFileSync(join(out, 'model.onnx')) };
    assert.ok(before.ckpt.length > 2048);
    const r = cli(['train', '--resume', '--epochs', '6', '--out', out, '--quiet'], 'ulimit -f 2');
    assert.equal(r.status, 1, r.stderr);
    assert.match(oneLine(r.stderr), /^error: cannot write .*checkpoint\.ckpt: the file is larger than the file system or the process's file size limit allows; the previous file, if any, is unchanged$/);
    assert.deepEqual(readFileSync(join(out, 'checkpoint.ckpt')), before.ckpt);
    assert.deepEqual(readFileSync(join(out, 'model.onnx')), before.model);
    assert.deepEqual(readdirSync(out).filter((f) => f.endsWith('.tmp')), []);
    // With room again, the same resume finishes where an uninterrupted run does.
    const whole = await train({ out: fresh(), epochs: 6 });
    const resumed = await train({ out, epochs: 6, resume: true });
    assert.deepEqual([...resumed.params], [...whole.params]);
    assert.ok(existsSync(join(out, 'metrics.json')));
  });
});
