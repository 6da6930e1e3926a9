// Streams a CSV file through CsvColumnReader, so a file of millions of rows is read without holding its text.

import { createReadStream } from 'node:fs';
import { CsvColumnReader, type CsvColumnOptions } from '../data/csv.ts';
import { DataError } from '../data/errors.ts';
import { fileErrorReason, openRegularFile } from './regular-file.ts';

/** Reads one numeric column of the file at `path`; errors name the file as `opts.source`, or else as `path`. */
export async function readCsvColumnFile(path: string, opts: CsvColumnOptions = {}): Promise<Float64Array> {
  const source = opts.source ?? path;
  const reader = new CsvColumnReader({ ...opts, source });
  const { fd } = openRegularFile(path, (why) => new DataError(`cannot read ${source}: ${why}`, { source }));
  try {
    // utf8 decoding in the stream keeps a character split across two reads whole.
    for await (const chunk of createReadStream('', { fd, encoding: 'utf8' })) reader.push(chunk as string);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot read ${source}: ${fileErrorReason(err)}`, { source });
  }
  return reader.end();
}
