// Streams a CSV file through the table reader, so a file of millions of rows is read without holding its text.

import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import type { CsvColumnOptions } from '../data/csv.ts';
import { CsvTableReader, type ColumnSpec, type CsvTableOptions, type SeriesGroups, type SeriesTable } from '../data/csv-table.ts';
import { DataError } from '../data/errors.ts';
import { fileErrorReason, openRegularFile } from './regular-file.ts';

/** Reads the file at `path` into a table; errors name the file as `opts.source`, or else as `path`. A .tsv file is
 *  read with tabs unless `opts.delimiter` says otherwise. */
export async function readCsvTable(path: string, opts: CsvTableOptions = {}): Promise<SeriesTable> {
  return (await streamFile(path, opts)).end();
}

/** Reads a long-format file into one table per value of its `opts.group` column. */
export async function readCsvGroups(path: string, opts: CsvTableOptions & { group: ColumnSpec }): Promise<SeriesGroups> {
  return (await streamFile(path, opts)).endGroups();
}

async function streamFile(path: string, opts: CsvTableOptions): Promise<CsvTableReader> {
  const source = opts.source ?? path;
  const delimiter = opts.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : undefined);
  const reader = new CsvTableReader({ ...opts, source, delimiter });
  const { fd } = openRegularFile(path, (why) => new DataError(`cannot read ${source}: ${why}`, { source }));
  try {
    // utf8 decoding in the stream keeps a character split across two reads whole.
    for await (const chunk of createReadStream('', { fd, encoding: 'utf8' })) reader.push(chunk as string);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot read ${source}: ${fileErrorReason(err)}`, { source });
  }
  return reader;
}

/** Reads one numeric column of the file at `path`. */
export async function readCsvColumnFile(path: string, opts: CsvColumnOptions = {}): Promise<Float64Array> {
  const { column, ...rest } = opts;
  return (await readCsvTable(path, { ...rest, columns: column === undefined ? undefined : [column] })).values[0]!;
}
