// From the user's data and grid to the list of jobs: one series (a CSV column) or many (a long-format CSV split
// by its group column, each written to its own file under OUT/series), times every grid point.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { readCsvColumnFile } from '../node/csv-file.ts';
import { writeFileAtomic } from '../node/files.ts';
import { readGroupedCsvFile } from '../node/grouped-csv-file.ts';
import { PRESETS, type TrainSettings } from '../train/presets.ts';
import { naiveMse } from './baseline.ts';
import { expandGrid, parseGrid, type GridSettings } from './grid.ts';
import type { JobSpec } from './job.ts';

export interface SweepInput {
  out: string;
  data: string;
  /** The value column (header name or index); default column 0 for one series. */
  column?: string | number;
  /** Long format: the column whose values name the series. */
  group?: string;
  /** "hidden=5,16 lr=1e-2,1e-3"; empty: one job per series. */
  grid?: string;
  /** Settings every job shares (the grid overrides them); the rest come from the default preset. */
  base?: GridSettings;
  /** Score each grid point by a rolling-origin backtest of this many folds (its mean) instead of one train run. */
  folds?: number;
  checkpointSeconds?: number;
}

export interface PlannedJob {
  spec: JobSpec;
  /** The last-value forecast's MSE on this job's test rows. */
  baseline: number | null;
}

export interface SweepPlan {
  out: string;
  /** The settings the grid varies, in grid order: the leaderboard's columns. */
  varied: (keyof TrainSettings)[];
  /** Folds of each job's backtest; null: one train run per job. */
  folds: number | null;
  jobs: PlannedJob[];
}

const SERIES_COLUMN = 'value';

export async function planSweep(input: SweepInput): Promise<SweepPlan> {
  const axes = parseGrid(input.grid ?? '');
  const out = resolve(input.out);
  const series = input.group ? await writeGroups(input, out) : [await oneSeries(input)];
  // Unset keys keep the preset's value (a spread would copy `undefined` over it).
  const given = Object.entries(input.base ?? {}).filter(([, v]) => v !== undefined);
  const base: TrainSettings = { ...PRESETS.default, ...Object.fromEntries(given) };
  const jobs = series.flatMap((s) => {
    const digest = createHash('sha256').update(new Uint8Array(s.values.buffer, s.values.byteOffset, s.values.byteLength)).digest('hex');
    return expandGrid(axes).map((point): PlannedJob => {
      const settings = { ...base, ...point };
      // A backtest's folds are part of what the job is: another count is another job and folder.
      const id = createHash('sha256').update(JSON.stringify({ digest, settings, ...(input.folds && { folds: input.folds }) })).digest('hex').slice(0, 12);
      const spec: JobSpec = {
        id, series: s.name, dir: join(out, 'jobs', fileName(s.name), id), data: { file: s.file, column: s.column }, settings, ...(input.folds && { folds: input.folds }),
        checkpointSeconds: input.checkpointSeconds,
      };
      return { spec, baseline: naiveMse(s.values, s.file, { window: settings.window, horizon: settings.horizon, folds: input.folds }) };
    });
  });
  return { out, varied: axes.map((a) => a.key), folds: input.folds ?? null, jobs };
}

interface Series {
  name: string;
  file: string;
  column: string | number;
  values: Float64Array;
}

async function oneSeries(input: SweepInput): Promise<Series> {
  const column = input.column ?? 0;
  const values = await readCsvColumnFile(input.data, { column });
  return { name: basename(input.data, extname(input.data)), file: resolve(input.data), column, values };
}

/** Each group's values as a one-column CSV, rewritten only when they changed (workers may be reading it). */
async function writeGroups(input: SweepInput, out: string): Promise<Series[]> {
  const groups = await readGroupedCsvFile(input.data, { group: input.group!, column: input.column ?? 0 });
  return [...groups].map(([name, values]) => {
    const file = join(out, 'series', `${fileName(name)}.csv`);
    const text = `${SERIES_COLUMN}\n${Array.from(values, (v) => String(v)).join('\n')}\n`;
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileAtomic(file, text);
    return { name, file, column: SERIES_COLUMN, values };
  });
}

/** A series name as a file name: kept when safe, else made safe and told apart by a hash of the name. */
function fileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return safe === name && !name.startsWith('.') ? name : `${safe}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
