import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from 'onnxruntime-node';
import { missingProviderFiles, providerDir, tinyModel } from '../../src/train/cuda.ts';
import { EpError, createSession, resolveEp } from '../../src/train/providers.ts';

const noProvider = missingProviderFiles(providerDir()).length > 0;
const onlyWithoutProvider = { skip: !noProvider && 'the CUDA provider is installed here' };

test('a CPU session from model bytes runs the tiny Relu model', async () => {
  const session = await createSession(tinyModel(), { ep: 'cpu', threads: 2, optimization: 'basic' });
  const { y } = await session.run({ x: new Tensor('float32', Float32Array.from([-1, 2]), [2]) });
  assert.deepEqual(Array.from(y!.data as Float32Array), [0, 2]);
  await session.release();
});

test('CUDA without the provider: one EpError line saying how to install it and pointing to doctor', onlyWithoutProvider, async () => {
  await assert.rejects(createSession(tinyModel(), { ep: 'cuda' }), (e: Error) => {
    assert.ok(e instanceof EpError);
    assert.equal(e.name, 'EpError');
    assert.match(e.message, /^the CUDA execution provider is not installed \(.*libonnxruntime_providers_cuda\.so missing from .*\): run `npm run setup:cuda`; to check, run `npm run doctor`$/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
});

test('a negative CUDA device index is an EpError before ONNX Runtime is asked', async () => {
  await assert.rejects(createSession(tinyModel(), { ep: 'cuda', deviceId: -1 }),
    (e: Error) => e instanceof EpError && e.message === 'CUDA device index must be a whole number ≥ 0, not -1; to check, run `npm run doctor`');
});

test('resolveEp: auto falls back to the CPU and says why; cpu and cuda are taken as asked', onlyWithoutProvider, async () => {
  const auto = await resolveEp('auto', 0);
  assert.equal(auto.ep, 'cpu');
  assert.match(auto.note, /^--ep auto: using the CPU, because CUDA is not usable: the CUDA execution provider is not installed/);
  assert.deepEqual(await resolveEp('cpu'), { ep: 'cpu', deviceId: 0, note: 'using the CPU' });
  assert.deepEqual(await resolveEp('cuda', 1), { ep: 'cuda', deviceId: 1, note: 'using CUDA device 1' });
});
