// The flags that say which data a command reads: the file, the value column or columns, the forecast column, and
// the CSV flags (csv-options.ts), shared by train and predict, and the DataSource they make.
import type { Argv } from 'yargs';
import type { DataSource } from '../train/dataset.ts';
import { csvOptions, dataSource as csvSource, type CsvArgs } from './csv-options.ts';
import { UserError } from './errors.ts';
import { column } from './validate.ts';

export interface DataArgs extends CsvArgs {
  data?: string; column?: string; columns?: string; target?: string;
}

export function dataFlags<T>(y: Argv<T>): Argv<T & DataArgs> {
  return csvOptions(y)
    .option('data', { requiresArg: true, type: 'string', describe: 'CSV file with the series (default: the tutorial\'s noisy sine)' })
    .option('column', { requiresArg: true, type: 'string', describe: 'the CSV column read and forecast, by header name or 0-based index (default: the first numeric column that is not the date column)' })
    .option('columns', { requiresArg: true, type: 'string', describe: 'input columns, e.g. temp_max,temp_min,wind: the model\'s features, in this order' })
    .option('target', { requiresArg: true, type: 'string', describe: 'the column forecast: one of --columns or another (default: the first of --columns)' })
    .check((a) => {
      for (const k of ['column', 'columns', 'target'] as const) if (a[k] !== undefined && a.data === undefined) throw new UserError(`--${k} needs --data`);
      if (a.column !== undefined && a.columns !== undefined) throw new UserError('give --column or --columns, not both');
      if (a.columns !== undefined && a.columns.split(',').some((c) => c.trim() === '')) throw new UserError(`--columns has an empty name: "${a.columns}"`);
      return true;
    }) as unknown as Argv<T & DataArgs>;
}

export function dataSource(a: DataArgs): DataSource | null {
  const src = csvSource(a);
  return src && { ...src, columns: a.columns?.split(',').map((c) => c.trim()), target: column(a.target) };
}
