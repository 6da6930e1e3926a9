// Trains with the default preset (plus any settings given as JSON in argv[2]) on the public series of
// vega-datasets that the README's acceptance names — a trending monthly, a daily and an hourly one — and prints the
// test MAE of the model beside the naive and seasonal-naive forecasts'. Usage:
//   npx tsx scripts/real-series.ts ['{"window":24}'] [series name]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { train, type TrainOptions } from '../src/train/trainer.ts';

const DIR = join(import.meta.dirname, '..', 'node_modules', 'vega-datasets', 'data');
export const REAL_SERIES = [
  { name: 'co2 monthly', file: join(DIR, 'co2-concentration.csv'), column: 'CO2' },
  { name: 'seattle daily temp_max', file: join(DIR, 'seattle-weather.csv'), column: 'temp_max' },
  { name: 'seattle hourly temperature', file: join(DIR, 'seattle-weather-hourly-normals.csv'), column: 'temperature' },
];

const extra = JSON.parse(process.argv[2] ?? '{}') as Partial<TrainOptions>;
const only = process.argv[3];
console.log(`settings: default preset ${JSON.stringify(extra)}`);
console.log('series                       | epochs | best | season | MAE model | naive    | s. naive | verdict');
for (const s of REAL_SERIES.filter((r) => !only || r.name.includes(only))) {
  const out = mkdtempSync(join(tmpdir(), 'ingraph-real-'));
  try {
    const { metrics: m } = await train({ out, data: { file: s.file, column: s.column }, ...extra });
    const t = m.test!;
    const f = (v: number) => v.toPrecision(4).padEnd(8);
    console.log(`${s.name.padEnd(28)} | ${String(m.epochs).padEnd(6)} | ${String(m.best_epoch).padEnd(4)} | ${String(t.season).padEnd(6)} | ${f(t.model.mae)}  | ${f(t.naive.mae)} | ${f(t.seasonalNaive.mae)} | ${t.verdict}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
