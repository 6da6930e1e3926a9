import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtChild, compiledChild, parseReport } from '../../scripts/bench/child.ts';
import { GridChild } from '../../scripts/bench/grid-child.ts';

test('parseReport: the last result line wins; null comes back as NaN; no line gives null', () => {
  const out = [
    'some log',
    'BENCH_RESULT {"ms_per_step":9}',
    'BENCH_RESULT {"ms_per_step":0.5,"test_mse":null,"extrapolated":false}',
    '',
  ].join('\n');
  const r = parseReport(out)!;
  assert.equal(r.ms_per_step, 0.5);
  assert.ok(Number.isNaN(r.test_mse));
  assert.equal(r.extrapolated, false);
  assert.equal(parseReport('nothing here\n'), null);
});

test('the Node contenders run compiled (tsconfig.bench.json), with plain node and no tsx loader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ingraph-bench-child-'));
  try {
    const script = join(import.meta.dirname, '..', '..', 'scripts', 'bench', 'ingraph-run.ts');
    const js = compiledChild(script);
    assert.ok(js.endsWith('.js') && existsSync(js), js);
    assert.ok(!readFileSync(js, 'utf8').includes("from '../../src/train/trainer.ts'"), 'imports rewritten to the compiled .js files');
    const r = await builtChild(script, { out: join(dir, 'run'), epochs: 3, stepsPerRun: 2, evalEvery: 3, threads: 1, warmupEpochs: 1 }, 120_000);
    assert.equal(r.steps, 6);
    assert.ok(Number.isFinite(r.test_mse) && r.ms_per_step > 0 && r.peak_rss_mb > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the TensorFlow.js grid child answers one timing per repeat for each size asked, or its warm-up step alone when that outlasted every repeat\'s budget', async () => {
  const tfjs = GridChild.tfjs();
  try {
    const a = await tfjs.measure({ hidden: 3, window: 4, batch: 8, threads: 1, repeats: 2, budgetMs: 2000 });
    const b = await tfjs.measure({ hidden: 8, window: 2, batch: 4, threads: 1, repeats: 3, budgetMs: 2000 });
    const slow = await tfjs.measure({ hidden: 8, window: 2, batch: 4, threads: 1, repeats: 3, budgetMs: 1e-6 });
    assert.equal(a.length, 2);
    assert.equal(b.length, 3);
    assert.equal(slow.length, 1);
    assert.ok([...a, ...b, ...slow].every((ms) => Number.isFinite(ms) && ms > 0), JSON.stringify([a, b, slow]));
  } finally {
    tfjs.close();
  }
});
