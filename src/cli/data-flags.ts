// The flags that say which series of a CSV file a command reads, shared by the commands that read one.
import type { Argv } from 'yargs';
import { FILL_POLICIES, type FillPolicy } from '../data/fill.ts';
import type { DataSource } from '../train/dataset.ts';
import { UserError } from './errors.ts';
import { column } from './validate.ts';

export interface DataArgs {
  data?: string;
  column?: (string | number)[];
  target?: string;
  delimiter?: string;
  fill?: FillPolicy;
  where?: string;
  'date-column'?: string;
}

export function dataFlags<T>(y: Argv<T>, o: { required: boolean }) {
  return y
    .option('data', { requiresArg: true, type: 'string', demandOption: o.required, describe: 'CSV file with the series' })
    .option('column', { requiresArg: true, type: 'array', string: true, describe: 'input column(s), by header name or 0-based index: --column a b, or a,b' })
    .option('target', { requiresArg: true, type: 'string', describe: 'the forecast column (default: the first input column)' })
    .option('delimiter', { requiresArg: true, type: 'string', describe: 'one character, or tab (default: sniffed from the first line)' })
    .option('fill', { requiresArg: true, choices: FILL_POLICIES, describe: 'empty cells and NA: stop with the line (error), carry the last value, interpolate or drop the row' })
    .option('where', { requiresArg: true, type: 'string', describe: 'long format: keep the rows whose COLUMN is VALUE (COLUMN=VALUE)' })
    .option('date-column', { requiresArg: true, type: 'string', describe: 'the date column (default: found by name or content)' });
}

/** The flags as a DataSource; undefined without --data. */
export function dataSourceOf(a: DataArgs): DataSource | undefined {
  if (a.data === undefined) {
    const stray = (['column', 'target', 'delimiter', 'fill', 'where', 'date-column'] as const).find((k) => a[k] !== undefined);
    if (stray) throw new UserError(`--${stray} needs --data`);
    return undefined;
  }
  const columns = a.column?.flatMap((c) => String(c).split(',')).map((c) => column(c.trim())!);
  if (columns?.some((c) => c === '')) throw new UserError('--column: an empty column name');
  let where: DataSource['where'];
  if (a.where !== undefined) {
    const eq = a.where.indexOf('=');
    if (eq <= 0) throw new UserError(`--where must be COLUMN=VALUE, got "${a.where}"`);
    where = { column: a.where.slice(0, eq), value: a.where.slice(eq + 1) };
  }
  const delimiter = a.delimiter === 'tab' || a.delimiter === '\\t' ? '\t' : a.delimiter;
  if (delimiter !== undefined && [...delimiter].length !== 1) throw new UserError(`--delimiter must be one character (or tab), got "${delimiter}"`);
  return {
    file: a.data, ...(columns && { columns }), ...(a.target !== undefined && { target: a.target }), ...(delimiter !== undefined && { delimiter }),
    ...(a.fill && { fill: a.fill }), ...(where && { where }), ...(a['date-column'] !== undefined && { dateColumn: a['date-column'] }),
  };
}
