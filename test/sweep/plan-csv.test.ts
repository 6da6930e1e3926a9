// A sweep reads its file as train does: the CSV options and the value column the plan found go to every job, and
// a long-format file's series are written with their dates.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseCsvTable } from '../../src/data/csv-table.ts';
import { planSweep } from '../../src/sweep/plan.ts';
import { loadSeries } from '../../src/train/dataset.ts';
import { PRESETS } from '../../src/train/presets.ts';

const dir = mkdtempSync(join(tmpdir(), 'ingraph-plan-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rows = (symbols: string[], days: number) =>
  Array.from({ length: days }, (_, i) => symbols.map((s, k) => `2024-01-${String(i + 1).padStart(2, '0')};${s};${i === 3 ? 'NA' : 10 * k + i}`)).flat();

test('one series: the jobs carry the CSV options and the column found, and read the values the plan read', async () => {
  const data = join(dir, 'one.csv');
  writeFileSync(data, `date;symbol;price\n${rows(['A', 'B'], 20).join('\n')}\n`);
  const warnings: string[] = [];
  const plan = await planSweep({ out: join(dir, 'one'), data, csv: { fill: 'interpolate', where: { column: 'symbol', value: 'B' } }, grid: 'hidden=3,4', onWarning: (w) => warnings.push(w) });
  assert.equal(plan.jobs.length, 2);
  const spec = plan.jobs[0]!.spec;
  assert.deepEqual({ ...spec.data, file: 'f' }, { file: 'f', column: 'price', fill: 'interpolate', where: { column: 'symbol', value: 'B' } });
  assert.match(warnings.join('\n'), /filled 1 missing cell in column "price" \(interpolate\)/);
  const { target: series, frequency } = await loadSeries(spec.data, 0);
  assert.deepEqual(Array.from(series).slice(0, 5), [10, 11, 12, 13, 14]);
  assert.equal(frequency, 'daily');
});

test('groups: one file per series, with its dates, read back as the same series', async () => {
  const data = join(dir, 'long.csv');
  writeFileSync(data, `date;symbol;price\n${rows(['A', 'B', 'C'], 15).join('\n')}\n`);
  const plan = await planSweep({ out: join(dir, 'long'), data, group: 'symbol', csv: { fill: 'ffill' } });
  assert.deepEqual(plan.jobs.map((j) => j.spec.series), ['A', 'B', 'C']);
  for (const [k, j] of plan.jobs.entries()) {
    const t = parseCsvTable(readFileSync(j.spec.data.file, 'utf8'));
    assert.equal(t.frequency, 'daily');
    assert.deepEqual(Array.from(t.values[0]!).slice(0, 5), [10 * k, 10 * k + 1, 10 * k + 2, 10 * k + 2, 10 * k + 4]);
  }
});

test('every job starts from the preset, takes the shared settings (any train setting) and the season; the season is part of its id', async () => {
  const data = join(dir, 'preset.csv');
  writeFileSync(data, `price\n${Array.from({ length: 60 }, (_, i) => Math.sin(i / 3)).join('\n')}\n`);
  const plain = await planSweep({ out: join(dir, 'preset'), data, grid: 'hidden=3,4' });
  const tuned = await planSweep({ out: join(dir, 'preset'), data, grid: 'hidden=3,4', preset: 'tutorial', base: { horizon: 2, dense: [4], patience: 7 }, season: 7 });
  assert.deepEqual(plain.jobs.map((j) => j.spec.settings.lr), [PRESETS.default.lr, PRESETS.default.lr]);
  for (const [k, j] of tuned.jobs.entries()) {
    const s = j.spec.settings;
    assert.deepEqual({ lr: s.lr, epochs: s.epochs, horizon: s.horizon, dense: s.dense, patience: s.patience, hidden: s.hidden }, {
      lr: PRESETS.tutorial.lr, epochs: PRESETS.tutorial.epochs, horizon: 2, dense: [4], patience: 7, hidden: 3 + k,
    });
    assert.equal(j.spec.season, 7);
    assert.notEqual(j.spec.id, plain.jobs[k]!.spec.id);
  }
  assert.equal(plain.jobs[0]!.spec.season, undefined);
  const otherSeason = await planSweep({ out: join(dir, 'preset'), data, grid: 'hidden=3,4', preset: 'tutorial', base: { horizon: 2, dense: [4], patience: 7 }, season: 12 });
  assert.notEqual(otherSeason.jobs[0]!.spec.id, tuned.jobs[0]!.spec.id);
});
