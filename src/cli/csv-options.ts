// The CSV flags train, predict and sweep share: how to split the file, what to do with missing cells, which rows
// to keep, which column holds the dates. Parsed into the reader's own options; the reader reports bad data.
import type { Argv } from 'yargs';
import type { CsvReadOptions, WhereFilter } from '../data/csv-table.ts';
import { FILL_POLICIES, type FillPolicy } from '../data/fill.ts';
import type { DataSource } from '../train/dataset.ts';
import { UserError } from './errors.ts';
import { column, given } from './validate.ts';

export interface CsvArgs {
  delimiter?: string;
  fill?: FillPolicy;
  where?: WhereFilter;
  'date-column'?: string;
}

const NAMES = ['delimiter', 'fill', 'where', 'date-column'] as const;
/** --date-column's value for "this file has no date column". */
const NO_DATES = 'none';

export function csvOptions<T>(y: Argv<T>): Argv<T & CsvArgs> {
  return y
    .option('delimiter', { requiresArg: true, type: 'string', describe: 'cell separator, one character or "tab" (default: tab for .tsv and for a first line of tabs without commas, ";" likewise, else ",")', coerce: delimiter })
    .option('fill', { requiresArg: true, choices: FILL_POLICIES, describe: 'empty and NA/NaN/null cells: error (default, naming the line), ffill, interpolate or drop the row' })
    .option('where', { requiresArg: true, type: 'string', describe: 'keep only the rows whose COLUMN holds VALUE, e.g. symbol=MSFT: one series of a long-format file', coerce: where })
    .option('date-column', { requiresArg: true, type: 'string', describe: `the column of ISO dates that orders the rows and gives the frequency (default: one named date, time, month… or holding dates; "${NO_DATES}": no date column)` })
    .group([...NAMES], 'CSV input:')
    .check((a) => {
      const given = NAMES.find((n) => a[n] !== undefined);
      if (given && (a as { data?: string }).data === undefined) throw new UserError(`--${given} needs --data`);
      return true;
    }) as Argv<T & CsvArgs>;
}

/** The flags as the CSV reader's options. */
export function csvReadOptions(a: CsvArgs): CsvReadOptions {
  const date = a['date-column'];
  return { delimiter: a.delimiter, fill: a.fill, where: a.where, dateColumn: date === undefined ? undefined : date === NO_DATES ? null : date };
}

function delimiter(v: string | undefined): string {
  given('delimiter', v);
  const d = v === 'tab' || v === '\\t' ? '\t' : v!;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw new UserError(`--delimiter must be one character other than a quote or newline, or "tab"; got ${JSON.stringify(v)}`);
  return d;
}

function where(v: string | undefined): WhereFilter {
  given('where', v);
  const at = v!.indexOf('=');
  const column = v!.slice(0, at).trim();
  const value = v!.slice(at + 1).trim();
  if (at < 0 || column === '' || value === '') throw new UserError(`--where must be COLUMN=VALUE, e.g. symbol=MSFT; got ${JSON.stringify(v)}`);
  return { column, value };
}

/** --data, --column and the CSV flags as the trainer's data source (null: the built-in series); the reader's
 *  warnings go to stderr. */
export function dataSource(a: CsvArgs & { data?: string; column?: string }): DataSource | null {
  if (a.data === undefined) return null;
  return { file: a.data, column: column(a.column), ...csvReadOptions(a), onWarning: printWarning };
}

/** A reader's warning, on its own line of stderr. */
export function printWarning(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}
