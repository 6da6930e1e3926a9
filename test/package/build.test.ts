// The library as a package: it builds to JavaScript with declarations, and plain Node (no tsx) imports it and
// builds a model with it, as a user of `import { ... } from 'ingraph'` does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, so the built files resolve the project's node_modules as dist/ does.
const out = join(root, 'test-output', 'package-build');

test('the library builds to JS + .d.ts and works from plain Node', () => {
  rmSync(out, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  assert.ok(existsSync(join(out, 'src', 'index.d.ts')));
  const script = `
    const m = await import(${JSON.stringify(join(out, 'src', 'index.js'))});
    const c = { ...m.TUTORIAL_MODEL, hidden: 3 };
    const bytes = m.serializeModel(m.trainingGraph(m.forecasterModel(c)));
    const info = m.inspectModel(m.decodeModel(bytes));
    console.log(JSON.stringify({ outputs: info.outputs.map((o) => o.name), ops: Object.keys(info.ops).length }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim()) as { outputs: string[]; ops: number };
  assert.deepEqual(got.outputs, ['loss', 'lstm.W_grad', 'lstm.R_grad', 'lstm.B_grad', 'fc.weight_grad', 'fc.bias_grad']);
  assert.ok(got.ops > 10);
  rmSync(out, { recursive: true, force: true });
});
