import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../../src/cli/errors.ts';
import { copyProvider, fetchProvider, providerPackageFor } from '../../src/train/setup-cuda.ts';

const exec = promisify(execFile);
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'ingraph-setup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function fakeProvider(dir: string, contents = ELF): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'libonnxruntime_providers_shared.so'), Buffer.concat([contents, Buffer.from('shared')]));
  writeFileSync(join(dir, 'libonnxruntime_providers_cuda.so'), Buffer.concat([contents, Buffer.from('cuda')]));
}

test('the provider package is looked up by onnxruntime-node version, and an unknown one is refused', () => {
  assert.equal(providerPackageFor('1.29.0'), 'com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9');
  assert.throws(() => providerPackageFor('1.30.0'), (e: Error) => e instanceof UserError &&
    /^no CUDA provider package is known for onnxruntime-node 1\.30\.0 \(known: 1\.29\.0 -> com\.github\.asus4\.onnxruntime\.linux-x64-gpu@0\.4\.9\)/.test(e.message));
});

test('--from copies both libraries into the target folder', (t) => {
  const from = join(tempDir(t), 'from');
  const target = join(tempDir(t), 'bin');
  fakeProvider(from);
  const copied = copyProvider(from, target);
  assert.deepEqual(copied, [join(target, 'libonnxruntime_providers_shared.so'), join(target, 'libonnxruntime_providers_cuda.so')]);
  assert.deepEqual(readFileSync(copied[1]!), readFileSync(join(from, 'libonnxruntime_providers_cuda.so')));
});

test('--from refuses a folder missing a library or holding something that is not one', (t) => {
  const from = tempDir(t);
  writeFileSync(join(from, 'libonnxruntime_providers_cuda.so'), ELF);
  assert.throws(() => copyProvider(from, join(from, 'out')), /lacks libonnxruntime_providers_shared\.so$/);
  fakeProvider(from, Buffer.from('<html>'));
  assert.throws(() => copyProvider(from, join(from, 'out')), /libonnxruntime_providers_shared\.so and .*libonnxruntime_providers_cuda\.so is not a shared library/);
});

test('a provider already in the cache is used without the network', async (t) => {
  const cache = tempDir(t);
  const pkg = 'com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9';
  fakeProvider(join(cache, pkg));
  assert.equal(await fetchProvider(pkg, cache), join(cache, pkg));
});

test('the script reports a bad --from as one error line and exit code 1', async (t) => {
  const from = tempDir(t);
  await assert.rejects(exec(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', 'setup-cuda', '--from', from]), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 1);
    assert.equal(e.stderr, `error: ${from} lacks libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so\n`);
    return true;
  });
});
