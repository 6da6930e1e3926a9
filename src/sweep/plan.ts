// From the user's data and grid to the list of jobs: one series (a CSV column) or many (a long-format CSV split
// by its group column, each written to its own file under OUT/series), times every grid point.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { CsvReadOptions } from '../data/csv-table.ts';
import { readCsvGroups, readCsvTable } from '../node/csv-file.ts';
import { writeFileAtomic } from '../node/files.ts';
import { PRESETS, type PresetName, type TrainSettings } from '../train/presets.ts';
import { naiveMse } from './baseline.ts';
import { expandGrid, parseGrid } from './grid.ts';
import type { JobSpec } from './job.ts';

export interface SweepInput {
  out: string;
  data: string;
  /** The value column (header name or index); default: the first numeric column that is not the date column. */
  column?: string | number;
  /** Long format: the column whose values name the series. */
  group?: string;
  /** How to read the file: delimiter, missing cells, a row filter, the date column. */
  csv?: CsvReadOptions;
  /** Told what the reader noticed (filled cells, reordered rows, a file that looks long-format). */
  onWarning?: (message: string) => void;
  /** "hidden=5,16 lr=1e-2,1e-3"; empty: one job per series. */
  grid?: string;
  /** Settings every job shares (the grid overrides them); the rest come from the preset. */
  base?: Partial<TrainSettings>;
  /** The settings a job starts from (default: the default preset). */
  preset?: PresetName;
  /** Period of the seasonal-naive baseline and the MASE in each job's report (default: from the date column, else 1). */
  season?: number;
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
  const base: TrainSettings = { ...PRESETS[input.preset ?? 'default'], ...Object.fromEntries(given) };
  const jobs = series.flatMap((s) => {
    const digest = createHash('sha256').update(new Uint8Array(s.values.buffer, s.values.byteOffset, s.values.byteLength)).digest('hex');
    return expandGrid(axes).map((point): PlannedJob => {
      const settings = { ...base, ...point };
      // A backtest's folds are part of what the job is: another count is another job and folder.
      // So is the season, which changes the MASE a job reports.
      const more = { ...(input.folds && { folds: input.folds }), ...(input.season && { season: input.season }) };
      const id = createHash('sha256').update(JSON.stringify({ digest, settings, ...more })).digest('hex').slice(0, 12);
      const spec: JobSpec = { id, series: s.name, dir: join(out, 'jobs', fileName(s.name), id), data: s.data, settings, ...more, checkpointSeconds: input.checkpointSeconds };
      return { spec, baseline: naiveMse(s.values, s.data.file, { window: settings.window, horizon: settings.horizon, folds: input.folds }) };
    });
  });
  return { out, varied: axes.map((a) => a.key), folds: input.folds ?? null, jobs };
}

interface Series {
  name: string;
  data: JobSpec['data'];
  values: Float64Array;
}

const columns = (input: SweepInput) => (input.column === undefined ? undefined : [input.column]);

/** The jobs read the file as the plan did: with the same options, and the column the plan found. */
async function oneSeries(input: SweepInput): Promise<Series> {
  const t = await readCsvTable(input.data, { ...input.csv, columns: columns(input) });
  t.warnings.forEach((w) => input.onWarning?.(w));
  const data = { ...input.csv, file: resolve(input.data), column: input.column ?? t.columns[0]! };
  return { name: basename(input.data, extname(input.data)), data, values: t.values[0]! };
}

/** Each group's values as a one-column CSV, rewritten only when they changed (workers may be reading it). */
async function writeGroups(input: SweepInput, out: string): Promise<Series[]> {
  const { groups, warnings } = await readCsvGroups(input.data, { ...input.csv, columns: columns(input), group: input.group! });
  warnings.forEach((w) => input.onWarning?.(w));
  return [...groups].map(([name, { values: [values], dates }]) => {
    const file = join(out, 'series', `${fileName(name)}.csv`);
    // The dates go along, so that a job's trainer sees the series' frequency as the plan did.
    const rows = Array.from(values!, (v, i) => (dates ? `${new Date(dates[i]!).toISOString()},${v}` : String(v)));
    const text = `${dates ? 'date,' : ''}${SERIES_COLUMN}\n${rows.join('\n')}\n`;
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileAtomic(file, text);
    return { name, data: { file, column: SERIES_COLUMN }, values: values! };
  });
}

/** A series name as a file name: kept when safe, else made safe and told apart by a hash of the name. */
function fileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return safe === name && !name.startsWith('.') ? name : `${safe}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
