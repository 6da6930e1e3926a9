// Runs only where CUDA is ready (the GPU machine, through ../shared/gpu/); skipped everywhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { cudaStatus, tinyModel } from '../../src/train/cuda.ts';
import { PROVIDER_NAMES, nodesOffProvider, placementsOf } from '../../src/train/placement.ts';
import { EpError, createSession, resolveEp } from '../../src/train/providers.ts';

const status = await cudaStatus();
const gpu = { skip: !status.providerLoads && `no CUDA session can be created here: ${status.problems[0]}` };

test('a CUDA session runs the tiny Relu model', gpu, async () => {
  const session = await createSession(tinyModel(), { ep: 'cuda' });
  const { y } = await session.run({ x: new Tensor('float32', Float32Array.from([-1, 2]), [2]) });
  assert.deepEqual(Array.from(y!.data as Float32Array), [0, 2]);
  await session.release();
});

test('a device index past the last GPU is one EpError line naming the GPUs there are', gpu, async () => {
  await assert.rejects(createSession(tinyModel(), { ep: 'cuda', deviceId: 64 }), (e: Error) => {
    assert.ok(e instanceof EpError);
    assert.match(e.message, /^CUDA device 64 does not exist \((this machine has GPU 0: |no GPU list).*run `npm run doctor`$/);
    return true;
  });
});

test('auto picks CUDA, and every node of the tiny model is placed on it', gpu, async (t) => {
  assert.equal((await resolveEp('auto')).ep, 'cuda');
  const dir = mkdtempSync(join(tmpdir(), 'ingraph-gpu-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tiny.onnx'), tinyModel());
  const p = await placementsOf(join(dir, 'tiny.onnx'), { ep: 'cuda' });
  assert.ok((p.counts[PROVIDER_NAMES.cuda] ?? 0) >= 1);
  assert.deepEqual(nodesOffProvider(p, PROVIDER_NAMES.cuda), []);
});
