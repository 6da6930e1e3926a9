// Sweeps on the in-process pool of worker threads: one model per series and grid point, a leaderboard with the
// naive baseline, failures recorded alone, and a second run that skips every finished job.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { naiveMse } from '../../src/sweep/baseline.ts';
import { runSweep } from '../../src/sweep/sweep.ts';
import { writeLongCsv } from '../helpers/long-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the naive baseline: a series rising by 1 a step has last-value MSE 1, a constant one 0, too short null', () => {
  const rising = Float64Array.from({ length: 50 }, (_, i) => i);
  assert.equal(naiveMse(rising, 'r.csv', { window: 5, horizon: 1 }), 1);
  assert.equal(naiveMse(new Float64Array(30).fill(7), 'c.csv', { window: 4, horizon: 1 }), 0);
  assert.equal(naiveMse(new Float64Array(5), 's.csv', { window: 8, horizon: 1 }), null);
});

test('one model per series and grid point; a too-short series fails alone; the rerun skips what is done', async () => {
  const data = join(dir, 'long.csv');
  writeLongCsv(data, [{ id: 'north', points: 90 }, { id: 'south', points: 110 }, { id: 'tiny', points: 6 }, { id: 'east', points: 100 }]);
  const out = join(dir, 'sweep');
  const input = { out, data, group: 'id', column: 'value', grid: 'hidden=3,6', base: { epochs: 4, window: 8 }, backend: { kind: 'pool' as const, workers: 2 } };
  const seen: number[] = [];
  const r = await runSweep({ ...input, onProgress: (p) => seen.push(p.done + p.failed) });
  const rows = r.board.rows;
  assert.equal(rows.length, 8);
  assert.equal(r.run.ran, 8);
  assert.deepEqual(seen.at(-1), 8);
  const failed = rows.filter((x) => x.status === 'failed');
  assert.deepEqual(failed.map((x) => x.series), ['tiny', 'tiny']);
  for (const f of failed) assert.match(f.reason!, /^the series has 6 values; window 8 with horizon 1 needs at least 9$/);
  for (const series of ['east', 'north', 'south']) {
    const mine = rows.filter((x) => x.series === series);
    assert.equal(mine.length, 2);
    assert.ok(mine.every((x) => x.status === 'done' && x.test_mse! > 0 && existsSync(join(out, 'jobs', series, x.job, 'model.onnx'))));
    assert.deepEqual(mine.map((x) => x.rank), [1, 2]);
    assert.ok(mine[0]!.test_mse! <= mine[1]!.test_mse!);
    assert.deepEqual(mine.map((x) => x.best), [true, false]);
    assert.deepEqual(mine.map((x) => x.settings.hidden).sort(), [3, 6]);
    // The metric is the trainer's own, read from the job's metrics.json.
    for (const x of mine) assert.equal(x.test_mse, JSON.parse(readFileSync(join(out, 'jobs', series, x.job, 'metrics.json'), 'utf8')).test_mse);
    const values = readFileSync(join(out, 'series', `${series}.csv`), 'utf8').trim().split('\n').slice(1).map(Number);
    assert.equal(mine[0]!.naive_mse, naiveMse(Float64Array.from(values), 'x', { window: 8, horizon: 1 }));
  }
  const md = readFileSync(join(out, 'sweep.md'), 'utf8');
  assert.match(md, /^\| rank \| series \| hidden \| test MSE \| naive MSE \| test MSE \/ naive \| best \| job \| note \|$/m);
  assert.equal(md.match(/\*\*best\*\*/g)?.length, 3);
  assert.match(md, /\| - \| tiny \| 3 \|.*needs at least 9 \|$/m);
  const csv = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'rank,series,job,status,hidden,test_mse,train_loss,naive_mse,best,reason');
  assert.equal(csv.length, 9);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')).rows, JSON.parse(JSON.stringify(rows)));

  // Again: finished jobs are skipped (the failed ones are tried again and fail the same way).
  const again = await runSweep(input);
  assert.equal(again.run.ran, 2);
  assert.equal(readFileSync(join(out, 'sweep.md'), 'utf8'), md);
});

test('a job whose loss blows up (lr 1e30) is recorded with its reason; its neighbour in the grid finishes', async () => {
  const data = join(dir, 'one.csv');
  writeFileSync(data, `y\n${Array.from({ length: 80 }, (_, i) => Math.sin(i / 5).toFixed(4)).join('\n')}\n`);
  const r = await runSweep({ out: join(dir, 'poison'), data, grid: 'lr=1e-2,1e30', base: { epochs: 3, window: 6 }, backend: { kind: 'pool', workers: 2 } });
  const [ok, bad] = r.board.rows;
  assert.equal(ok!.status, 'done');
  assert.equal(ok!.settings.lr, 1e-2);
  assert.equal(bad!.status, 'failed');
  assert.equal(bad!.settings.lr, 1e30);
  assert.match(bad!.reason!, /^the loss became (NaN|-?Infinity) at epoch 1/);
  assert.ok(!bad!.reason!.includes('\n'));
});
