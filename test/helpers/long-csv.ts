// Long-format test data: noisy sines of different periods, one per id, rows interleaved as a real export's are.
import { writeFileSync } from 'node:fs';
import { Rng } from '../../src/data/rng.ts';

export function writeLongCsv(path: string, series: { id: string; points: number }[], seed = 0): void {
  const rng = Rng.derive(seed, 'long-csv');
  const values = series.map((s, k) => Array.from({ length: s.points }, (_, i) => (10 + k) * (1 + Math.sin((i * (k + 2) * Math.PI) / 40)) + rng.normal()));
  const rows = ['id,t,value'];
  const longest = Math.max(...series.map((s) => s.points));
  for (let i = 0; i < longest; i++) series.forEach((s, k) => i < s.points && rows.push(`${s.id},${i},${values[k]![i]!.toFixed(4)}`));
  writeFileSync(path, `${rows.join('\n')}\n`);
}
