// One numeric column of CSV text: the table reader with a single column, for callers that want the values alone.

import { CsvTableReader, type ColumnSpec, type CsvTableOptions } from './csv-table.ts';

export type { ColumnSpec } from './csv-table.ts';

export interface CsvColumnOptions extends Omit<CsvTableOptions, 'columns'> {
  /** Which column to read; default: as the table reader picks (the first numeric column that is not a date). */
  column?: ColumnSpec;
}

export class CsvColumnReader {
  private readonly table: CsvTableReader;

  constructor(opts: CsvColumnOptions = {}) {
    const { column, ...rest } = opts;
    this.table = new CsvTableReader({ ...rest, columns: column === undefined ? undefined : [column] });
  }

  push(chunk: string): void {
    this.table.push(chunk);
  }

  /** Finishes the last line and returns the column's values, oldest first. */
  end(): Float64Array {
    return this.table.end().values[0]!;
  }
}

/** Reads one numeric column of a whole CSV text. */
export function parseCsvColumn(text: string, opts: CsvColumnOptions = {}): Float64Array {
  const reader = new CsvColumnReader(opts);
  reader.push(text);
  return reader.end();
}
