// The flags that say which data a command reads (file, columns, target, CSV dialect), shared by every command that
// reads a series, and the DataSource they make.
import type { Argv } from 'yargs';
import { FILL_POLICIES, type FillPolicy } from '../data/fill.ts';
import type { DataSource } from '../train/dataset.ts';
import { UserError } from './errors.ts';
import { column } from './validate.ts';

export interface DataArgs {
  data?: string; column?: string; columns?: string; target?: string; delimiter?: string; fill?: FillPolicy; where?: string;
}

export function dataFlags<T>(y: Argv<T>): Argv<T & DataArgs> {
  return y
    .option('data', { requiresArg: true, type: 'string', describe: 'CSV file with the series (default: the tutorial\'s noisy sine)' })
    .option('column', { requiresArg: true, type: 'string', describe: 'the one CSV column read and forecast, by header name or 0-based index' })
    .option('columns', { requiresArg: true, type: 'string', describe: 'input columns, e.g. temp_max,temp_min,wind (the model\'s features, in this order)' })
    .option('target', { requiresArg: true, type: 'string', describe: 'the column forecast: one of --columns or another (default: the first of --columns)' })
    .option('delimiter', { requiresArg: true, type: 'string', describe: 'CSV delimiter, one character (default: sniffed; tab for .tsv)' })
    .option('fill', { requiresArg: true, choices: FILL_POLICIES, describe: 'empty or NA cells: error (default), ffill, interpolate or drop' })
    .option('where', { requiresArg: true, type: 'string', describe: 'long-format files: keep the rows whose COLUMN is VALUE, e.g. symbol=MSFT' })
    .check((a) => {
      for (const k of ['column', 'columns', 'target', 'delimiter', 'fill', 'where'] as const) {
        if (a[k] !== undefined && a.data === undefined) throw new UserError(`--${k} needs --data`);
      }
      if (a.column !== undefined && a.columns !== undefined) throw new UserError('give --column or --columns, not both');
      return true;
    }) as unknown as Argv<T & DataArgs>;
}

export function dataSource(a: DataArgs): DataSource | null {
  if (a.data === undefined) return null;
  let where: DataSource['where'];
  if (a.where !== undefined) {
    const at = a.where.indexOf('=');
    if (at < 1) throw new UserError(`--where must be COLUMN=VALUE, got "${a.where}"`);
    where = { column: a.where.slice(0, at).trim(), value: a.where.slice(at + 1) };
  }
  const columns = a.columns?.split(',').map((c) => c.trim());
  if (columns?.some((c) => c === '')) throw new UserError(`--columns has an empty name: "${a.columns}"`);
  return { file: a.data, column: column(a.column), columns, target: column(a.target), delimiter: a.delimiter, fill: a.fill, where };
}
