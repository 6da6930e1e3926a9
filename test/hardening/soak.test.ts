// The long-run check in its short mode (scripts/soak.ts --short, 5,000 steps): memory flat and step time steady.
// The script's own limits decide; this test fails when it does, and shows its table.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('soak --short: 5,000 steps with resident memory flat and step time steady', (t) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/soak.ts', '--short', '--json'], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  t.diagnostic(lines.slice(0, -1).join('\n'));
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  const result = JSON.parse(lines[lines.length - 1]!) as { steps: number; growthMb: number; slowdown: number; failures: string[] };
  assert.ok(result.steps >= 5000, `${result.steps} steps`);
  assert.deepEqual(result.failures, []);
  assert.ok(Number.isFinite(result.growthMb) && Number.isFinite(result.slowdown), 'both measurements were taken');
});
