// Streams a long-format CSV file through csv-parse into GroupCollector: one series per value of the group column.

import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DataError } from '../data/errors.ts';
import { GroupCollector, type GroupOptions } from '../data/groups.ts';
import { fileErrorReason, openRegularFile } from './regular-file.ts';

export async function readGroupedCsvFile(path: string, opts: Omit<GroupOptions, 'source'>): Promise<Map<string, Float64Array>> {
  const source = path;
  const collector = new GroupCollector({ ...opts, source });
  const { fd } = openRegularFile(path, (why) => new DataError(`cannot read ${source}: ${why}`, { source }));
  const parser = createReadStream('', { fd, encoding: 'utf8' }).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) collector.row(record, info.lines);
  } catch (err) {
    if (err instanceof DataError) throw err;
    throw new DataError(`cannot read ${source}: ${err instanceof Error ? err.message : fileErrorReason(err)}`, { source });
  }
  return collector.end();
}
