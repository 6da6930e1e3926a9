// Reads numeric columns of CSV text fed in arbitrary chunks into a table in time order: a date column (named or
// found) orders the rows and gives the frequency, a filter picks one series of a long-format file, and missing
// cells are refused or filled. Only the columns it reads are kept, so memory follows the output, not the file;
// the same code serves a browser File stream and a Node read stream.

import { CsvTokenizer, MAX_LINE_CHARS, type CsvRow } from './csv-tokenizer.ts';
import { formatDate, inferFrequency, parseDate, type Frequency } from './dates.ts';
import { dataError, type DataError } from './errors.ts';
import { fillMissing, type FillPolicy } from './fill.ts';

/** A header name, or a 0-based column index; a digits-only string is an index unless the header has that name. */
export type ColumnSpec = string | number;

/** Keep only the rows whose cell in `column` is `value` (blanks around the cell ignored). */
export interface WhereFilter {
  column: ColumnSpec;
  value: string;
}

/** How to read a file, apart from which value columns: what a command line's CSV flags say. */
export type CsvReadOptions = Pick<CsvTableOptions, 'delimiter' | 'fill' | 'dateColumn' | 'where'>;

/** A long-format file read as one table per value of its group column, in order of first appearance. */
export interface SeriesGroups {
  groups: Map<string, SeriesTable>;
  /** Every warning: the file's, then each group's (which name the group). */
  warnings: string[];
}

export interface CsvTableOptions {
  /** The value columns; default: the first column that holds a number on the first data row and is not the date
   *  column or named like one. */
  columns?: ColumnSpec[];
  /** 'auto' (default): the first non-blank line is a header when a name picks a column, else when its cell in the
   *  first picked column (with no columns given: any cell) is neither a number, a date nor a missing value. */
  header?: boolean | 'auto';
  /** File name for error messages. */
  source?: string;
  /** One character; default: from the first line, tab if it has tabs and no commas, ';' if it has semicolons and
   *  neither, else ','. */
  delimiter?: string;
  /** Missing cells: empty or NA, N/A, #N/A, NaN, null, None, nil, '-', '.', '?' (any case). Default 'error'. */
  fill?: FillPolicy;
  /** The date column; default: the first column named date, time, timestamp, datetime, ds, dt, day, week, month,
   *  quarter, year or period whose first cell is a date (a bare year counts in such a column), else the first
   *  column whose first cell is an ISO 8601 date; null: none. */
  dateColumn?: ColumnSpec | null;
  where?: WhereFilter;
  /** Long format: the column whose value says which series a row belongs to; read with {@link CsvTableReader.endGroups}. */
  group?: ColumnSpec;
}

/** Columns of one series, rows oldest first. */
export interface SeriesTable {
  /** The value columns' names (header names; the index as text for a file without a header). */
  columns: string[];
  /** One array per column, every one as long as the table. */
  values: Float64Array[];
  /** Each row's date in ms since 1970 (UTC); null without a date column. */
  dates: Float64Array | null;
  dateColumn: string | null;
  frequency: Frequency | null;
  /** What the caller should tell the user: filled or dropped cells, a file that looks long-format, reordered rows. */
  warnings: string[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const MISSING = /^(|na|n\/a|#n\/a|nan|null|none|nil|-|\.|\?)$/i;
const INDEX = /^\d+$/;
const DATE_NAMES = /^(date|time|timestamp|datetime|ds|dt|day|week|month|quarter|year|period)$/i;
const FILL_HINT = '; --fill ffill, interpolate or drop reads missing values';
// Columns of text watched for repeating values (a long-format file's series id), and for how many rows.
const WATCHED_COLUMNS = 8;
const WATCHED_ROWS = 10_000;
const WATCHED_VALUES = 1000;

/** One series being read: its rows so far and the direction of its dates. */
interface Accumulator {
  values: Float64Array[];
  dates: Float64Array;
  count: number;
  direction: number;
  previousLine: number;
}

interface Watched {
  at: number;
  name: string;
  /** Rows per value; null once it held too many values to be a series id. */
  counts: Map<string, number> | null;
}

export class CsvTableReader {
  private readonly source?: string;
  private readonly fill: FillPolicy;
  private tokenizer: CsvTokenizer | null = null;
  private pending = '';

  private phase: 'first' | 'first-data' | 'data' = 'first';
  private names: string[] | null = null;
  private headerLine = 0;
  private valueAt: number[] = [];
  private dateAt = -1;
  private dateYears = false;
  private whereAt = -1;
  private groupAt = -1;
  /** Column indices in slot order: values, then the date, the filter, the group and the watched columns where
   *  there are. */
  private kept: number[] = [];
  private needed = 0;
  private watched: Watched[] = [];
  private watchedRows = 0;
  private readonly warnings: string[] = [];

  /** By group ('' without a group column), in order of first appearance. */
  private readonly series = new Map<string, Accumulator>();
  private filteredOut = 0;
  private readonly whereSeen = new Set<string>();

  constructor(private readonly opts: CsvTableOptions = {}) {
    this.source = opts.source;
    this.fill = opts.fill ?? 'error';
    for (const spec of this.specs()) {
      if (typeof spec === 'number' && !(Number.isInteger(spec) && spec >= 0)) throw this.fail(`column index must be a non-negative integer, got ${spec}`);
      if (opts.header === false && columnIndex(spec) < 0) throw this.fail(`column "${spec}" is a name, but the file is read without a header`);
    }
    if (opts.columns?.length === 0) throw this.fail('no columns to read');
    if (opts.delimiter !== undefined) this.tokenizer = this.tokenize(opts.delimiter);
  }

  push(chunk: string): void {
    if (this.tokenizer) return this.tokenizer.push(chunk);
    this.pending += chunk;
    const line = firstLine(this.pending, false);
    if (line !== null) this.startWith(line);
  }

  /** Finishes the last line and returns the table. */
  end(): SeriesTable {
    if (this.opts.group !== undefined) throw new Error('a reader with a group column ends with endGroups()');
    this.finishReading();
    const table = this.table(this.series.get('')!, '');
    // Dates that read in order (each once) leave room for one series only: a text column beside them is a label
    // (weather: rain, sun…), not a series id. Without dates, a repeating text column may be one.
    const long = this.opts.where || table.dateColumn !== null ? null : this.longFormat(2);
    if (long) this.warn(`${long.text}: the file looks long-format (several series one after another); pick one with --where ${long.name}=VALUE`);
    return { ...table, warnings: [...this.warnings, ...table.warnings] };
  }

  /** Finishes the last line and returns one table per group (the reader needs the `group` option). */
  endGroups(): SeriesGroups {
    if (this.opts.group === undefined) throw new Error('endGroups() needs a group column');
    this.finishReading();
    const groups = new Map([...this.series].map(([id, acc]) => [id, this.table(acc, `${this.labelOf(this.groupAt)} = ${JSON.stringify(id)}: `)]));
    return { groups, warnings: [...this.warnings, ...[...groups.values()].flatMap((t) => t.warnings)] };
  }

  private finishReading(): void {
    if (!this.tokenizer) this.startWith(firstLine(this.pending, true)!);
    const tokenizer = this.tokenizer!;
    tokenizer.end();
    if (this.phase === 'first') throw this.fail('the file has no data rows: it is empty or blank', tokenizer.lastLine());
    if (this.phase === 'first-data') throw this.fail('the file has a header but no data rows', this.headerLine);
    if (this.series.size === 0) throw this.noMatch();
  }

  /** One series' rows oldest first, its gaps filled; its warnings start with `what` (the group it is). */
  private table(acc: Accumulator, what: string): SeriesTable {
    const warnings: string[] = [];
    const warn = (detail: string) => this.warn(`${what}${detail}`, warnings);
    const n = acc.count;
    let values: Float64Array[] = acc.values.map((v) => v.slice(0, n));
    let dates = this.dateAt >= 0 ? acc.dates.slice(0, n) : null;
    if (acc.direction < 0) {
      values.forEach((v) => v.reverse());
      dates!.reverse();
      warn('the dates run newest first; the rows are read oldest first');
    }
    if (this.fill !== 'error') {
      const empty = values.findIndex((v) => v.every(Number.isNaN));
      if (empty >= 0) throw this.fail(`${what}${this.labelOf(this.valueAt[empty]!)} has no values: every cell is missing`);
      const f = fillMissing(values, this.fill);
      const kept = f.columns[0]!.length;
      if (kept === 0) throw this.fail(`${what}every row has a missing value: fill "drop" leaves no rows`);
      values = f.columns;
      if (dates && f.kept) dates = Float64Array.from(f.kept, (r) => dates![r]!);
      f.filled.forEach((k, c) => k > 0 && warn(`filled ${plural(k, 'missing cell')} in ${this.labelOf(this.valueAt[c]!)} (${this.fill})`));
      if (kept < n) warn(`dropped ${plural(n - kept, 'row')} with missing values${this.fill === 'drop' ? '' : ' before the first value of every column'}`);
    }
    const columns = this.valueAt.map((i) => this.nameOf(i));
    const dateColumn = this.dateAt >= 0 ? this.nameOf(this.dateAt) : null;
    return { columns, values, dates, dateColumn, frequency: dates ? inferFrequency(dates) : null, warnings };
  }

  private specs(): ColumnSpec[] {
    const o = this.opts;
    return [...(o.columns ?? []), ...(o.dateColumn != null ? [o.dateColumn] : []), ...(o.where ? [o.where.column] : []), ...(o.group !== undefined ? [o.group] : [])];
  }

  private tokenize(delimiter: string): CsvTokenizer {
    return new CsvTokenizer(delimiter, (detail, line) => this.fail(detail, line), (row) => this.row(row));
  }

  private startWith(firstLine: string): void {
    const count = (c: string) => firstLine.split(c).length - 1;
    const [commas, tabs, semicolons] = [count(','), count('\t'), count(';')];
    this.tokenizer = this.tokenize(commas === 0 && tabs > 0 ? '\t' : commas === 0 && semicolons > 0 ? ';' : ',');
    const text = this.pending;
    this.pending = '';
    this.tokenizer.push(text);
  }

  private row(row: CsvRow): void {
    if (this.phase === 'first') {
      if (!this.isHeader(row.cells)) this.phase = 'first-data';
      else {
        this.phase = 'first-data';
        this.names = row.cells.map((c) => c.trim());
        this.headerLine = row.line;
        return this.resolveNamed();
      }
    }
    if (this.phase === 'first-data') {
      this.phase = 'data';
      if (!this.names) this.resolveNamed();
      this.resolveFromData(row);
    }
    this.data(row);
  }

  /** Whether the first non-blank line names the columns. */
  private isHeader(cells: string[]): boolean {
    const o = this.opts;
    if (o.header !== undefined && o.header !== 'auto') return o.header;
    if (this.specs().some((s) => columnIndex(s) < 0)) return true;
    const first = o.columns?.[0];
    // An empty or missing cell says nothing (pandas leaves the index column's header empty): judge by the others.
    const cell = first === undefined ? '' : cells[columnIndex(first)]?.trim();
    const isData = (c: string) => looksNumeric(c) || (first === undefined && (MISSING.test(c.trim()) || !Number.isNaN(parseDate(c))));
    return cell ? !isData(cell) : cells.some((c) => c.trim() !== '' && !isData(c));
  }

  /** The columns the options name, found in the header (or taken as indices without one). */
  private resolveNamed(): void {
    const o = this.opts;
    this.valueAt = (o.columns ?? []).map((s) => this.find(s, ''));
    const twice = this.valueAt.find((i, k) => this.valueAt.indexOf(i) !== k);
    if (twice !== undefined) throw this.fail(`${this.labelOf(twice)} is asked for twice`, this.headerLine || undefined);
    if (o.dateColumn != null) {
      this.dateAt = this.find(o.dateColumn, 'date ');
      this.dateYears = true;
    }
    if (o.where) this.whereAt = this.find(o.where.column, 'filter ');
    if (o.group !== undefined) this.groupAt = this.find(o.group, 'group ');
    const roles = [[this.dateAt, 'date'], [this.whereAt, 'filter'], [this.groupAt, 'group']] as const;
    for (const [at, role] of roles) {
      if (at >= 0 && this.valueAt.includes(at)) throw this.fail(`the value column and the ${role} column are both ${JSON.stringify(this.nameOf(at))}`, this.headerLine || undefined);
    }
    if (this.groupAt >= 0 && this.groupAt === this.dateAt) throw this.fail(`the date column and the group column are both ${JSON.stringify(this.nameOf(this.groupAt))}`, this.headerLine || undefined);
  }

  private find(spec: ColumnSpec, role: string): number {
    const index = columnIndex(spec);
    const names = this.names;
    if (!names) return index;
    const byName = typeof spec === 'string' ? names.indexOf(spec.trim()) : -1;
    if (byName >= 0 && names.indexOf(names[byName]!, byName + 1) >= 0) {
      const at = names.flatMap((n, k) => (n === names[byName] ? [k] : []));
      throw this.fail(`column ${JSON.stringify(names[byName])} appears ${at.length} times in the header (columns ${at.slice(0, 8).join(', ')}); pick one by its 0-based index`, this.headerLine);
    }
    if (byName >= 0) return byName;
    if (index >= 0 && index < names.length) return index;
    if (index >= 0) throw this.fail(`${role}column index ${index} is out of range: the header has ${plural(names.length, 'column')}`, this.headerLine);
    const list = names.slice(0, 20).map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 40)}…` : n)).join(', ') + (names.length > 20 ? `, … (${names.length} columns)` : '');
    throw this.fail(`no ${role}column "${String(spec).trim()}" in the header; its columns are ${list}`, this.headerLine);
  }

  /** What only the first data row can tell: the date column, the default value column, the columns to watch. */
  private resolveFromData(row: CsvRow): void {
    const cells = row.cells;
    const width = Math.max(cells.length, this.names?.length ?? 0);
    const taken = (i: number) => this.valueAt.includes(i) || i === this.whereAt || i === this.groupAt || i === this.dateAt;
    const named = (i: number) => DATE_NAMES.test(this.names?.[i] ?? '');
    const cell = (i: number) => cells[i]?.trim() ?? '';
    if (this.opts.dateColumn === undefined) {
      const byName = range(width).find((i) => !taken(i) && named(i) && !Number.isNaN(parseDate(cell(i), true)));
      const byValue = range(width).find((i) => !taken(i) && !Number.isNaN(parseDate(cell(i))));
      this.dateAt = byName ?? byValue ?? -1;
      this.dateYears = byName !== undefined;
      for (const i of range(width)) {
        if (i !== this.dateAt && named(i) && !looksNumeric(cell(i)) && !MISSING.test(cell(i))) {
          this.warn(`${this.labelOf(i)} holds ${JSON.stringify(cell(i).slice(0, 40))}, not an ISO 8601 date (2024-01-31, 2024-01-31 12:00, 2024-01): the rows' order is not checked and no frequency is inferred`);
        }
      }
    }
    if (!this.opts.columns) {
      const free = range(width).filter((i) => !taken(i) && !named(i));
      // A column of numbers, else the first free one: its first cell is then reported as not a number.
      const pick = free.find((i) => looksNumeric(cell(i)) || MISSING.test(cell(i))) ?? free[0];
      if (pick === undefined) throw this.fail('no column is left to read values from: every column is the date, the filter or the group', row.line);
      this.valueAt = [pick];
    }
    if (!this.opts.where && this.opts.group === undefined) {
      this.watched = range(cells.length)
        .filter((i) => !taken(i) && !this.valueAt.includes(i) && cell(i) !== '' && !looksNumeric(cell(i)) && !MISSING.test(cell(i)) && Number.isNaN(parseDate(cell(i))))
        .slice(0, WATCHED_COLUMNS)
        .map((at) => ({ at, name: this.nameOf(at), counts: new Map() }));
    }
    this.keep();
  }

  private keep(): void {
    const extra = [this.dateAt, this.whereAt, this.groupAt].filter((i) => i >= 0);
    this.needed = Math.max(...this.valueAt, ...extra) + 1;
    this.kept = [...this.valueAt, ...extra, ...this.watched.map((w) => w.at)];
    this.tokenizer!.keepOnly(this.kept);
  }

  private cell(row: CsvRow, slot: number): string {
    const column = this.kept[slot]!;
    return (row.whole ? row.cells[column] : row.cells[this.kept.indexOf(column)]) ?? '';
  }

  private data(row: CsvRow): void {
    if (row.count < this.needed) {
      const missing = [...this.valueAt, this.dateAt, this.whereAt, this.groupAt].find((i) => i >= row.count)!;
      throw this.fail(`the row has ${plural(row.count, 'cell')}, too few for ${this.labelOf(missing)}`, row.line);
    }
    let slot = this.valueAt.length;
    const dateSlot = this.dateAt >= 0 ? slot++ : -1;
    if (this.whereAt >= 0) {
      const id = this.cell(row, slot++).trim();
      if (id !== this.opts.where!.value.trim()) {
        this.filteredOut++;
        if (this.whereSeen.size < 10) this.whereSeen.add(id);
        return;
      }
    }
    let key = '';
    if (this.groupAt >= 0) {
      key = this.cell(row, slot++).trim();
      if (key === '') throw this.fail(`the cell in group ${this.labelOf(this.groupAt)} is empty`, row.line);
    }
    if (this.watchedRows < WATCHED_ROWS) this.watch(row, slot);

    let acc = this.series.get(key);
    if (!acc) {
      acc = { values: this.valueAt.map(() => new Float64Array(64)), dates: new Float64Array(dateSlot >= 0 ? 64 : 0), count: 0, direction: 0, previousLine: 0 };
      this.series.set(key, acc);
    }
    if (acc.count === acc.values[0]!.length) {
      acc.values = acc.values.map((v) => grow(v));
      if (dateSlot >= 0) acc.dates = grow(acc.dates);
    }
    if (dateSlot >= 0) this.date(acc, this.cell(row, dateSlot), row.line);
    const a = acc;
    this.valueAt.forEach((at, k) => (a.values[k]![a.count] = this.number(this.cell(row, k), at, row.line)));
    acc.count++;
  }

  private date(acc: Accumulator, text: string, line: number): void {
    const cell = text.trim();
    const label = `date ${this.labelOf(this.dateAt)}`;
    if (cell === '') throw this.fail(`the cell in ${label} is empty`, line);
    const d = parseDate(cell, this.dateYears);
    if (Number.isNaN(d)) throw this.fail(`cell ${show(cell)} in ${label} is not an ISO 8601 date (2024-01-31, 2024-01-31 12:00, 2024-01)`, line);
    if (acc.count > 0) {
      const before = acc.dates[acc.count - 1]!;
      const step = Math.sign(d - before);
      if (step === 0 || (acc.direction !== 0 && step !== acc.direction)) {
        const what = step === 0 ? `date ${formatDate(d)} comes again (line ${acc.previousLine} has it)` : `date ${formatDate(d)} comes after ${formatDate(before)} (line ${acc.previousLine})`;
        // Two series' first rows may already say it: a date that comes again is itself a sign of long format.
        const long = this.longFormat(1);
        const why = long ? `; ${long.text}: the file looks long-format, pick one series with --where ${long.name}=VALUE` : '';
        throw this.fail(`${what}: the dates must all increase (or all decrease)${why}`, line);
      }
      acc.direction = step;
    }
    acc.dates[acc.count] = d;
    acc.previousLine = line;
  }

  private number(text: string, at: number, line: number): number {
    const cell = text.trim();
    const missing = MISSING.test(cell);
    if (missing && this.fill !== 'error') return NaN;
    const label = this.labelOf(at);
    if (cell === '') throw this.fail(`the cell in ${label} is empty${FILL_HINT}`, line);
    // A cell the tokenizer cut ends in "…", so it is never a number.
    const isNumber = NUMBER.test(cell);
    const value = isNumber ? Number(cell) : NaN;
    if (!Number.isFinite(value)) {
      const what = isNumber || NON_FINITE.test(cell) ? 'not a finite number' : 'not a number';
      throw this.fail(`cell ${show(cell)} in ${label} is ${what}${missing ? FILL_HINT : ''}`, line);
    }
    return value;
  }

  private watch(row: CsvRow, firstSlot: number): void {
    this.watchedRows++;
    this.watched.forEach((w, k) => {
      if (!w.counts) return;
      const id = this.cell(row, firstSlot + k).trim();
      if (id === '') return;
      w.counts.set(id, (w.counts.get(id) ?? 0) + 1);
      if (w.counts.size > WATCHED_VALUES) w.counts = null;
    });
    // Enough rows seen: stop keeping those cells.
    if (this.watchedRows === WATCHED_ROWS) {
      this.kept = this.kept.slice(0, this.kept.length - this.watched.length);
      this.tokenizer!.keepOnly(this.kept);
    }
  }

  /** A text column that takes a few values, some on `repeats` rows or more: a long-format file's series id. */
  private longFormat(repeats: number): { name: string; text: string } | null {
    for (const w of this.watched) {
      if (!w.counts || w.counts.size < 2 || Math.max(...w.counts.values()) < repeats) continue;
      const ids = [...w.counts.keys()];
      return { name: w.name, text: `column ${JSON.stringify(w.name)} holds ${ids.length} values (${ids.slice(0, 3).map((s) => s.slice(0, 20)).join(', ')}${ids.length > 3 ? ', …' : ''})` };
    }
    return null;
  }

  private noMatch(): DataError {
    const w = this.opts.where!;
    const seen = [...this.whereSeen].map((s) => JSON.stringify(s.slice(0, 20))).join(', ');
    const more = this.filteredOut > 0 && this.whereSeen.size === 10 ? ', …' : '';
    return this.fail(`no row has ${this.labelOf(this.whereAt)} = ${JSON.stringify(w.value.trim())}; its ${plural(this.filteredOut, 'row')} hold ${seen}${more}`);
  }

  private nameOf(i: number): string {
    return this.names?.[i] || String(i);
  }

  private labelOf(i: number): string {
    const name = this.names?.[i];
    return name ? `column "${name}"` : `column ${i}`;
  }

  private warn(detail: string, into = this.warnings): void {
    into.push(this.source ? `${this.source}: ${detail}` : detail);
  }

  private fail(detail: string, line?: number): DataError {
    return dataError(detail, { source: this.source, line });
  }
}

/** Reads a whole long-format CSV text into one table per group (`opts.group`). */
export function parseCsvGroups(text: string, opts: CsvTableOptions & { group: ColumnSpec }): SeriesGroups {
  const reader = new CsvTableReader(opts);
  reader.push(text);
  return reader.endGroups();
}

/** Reads a whole CSV text into a table. */
export function parseCsvTable(text: string, opts: CsvTableOptions = {}): SeriesTable {
  const reader = new CsvTableReader(opts);
  reader.push(text);
  return reader.end();
}

/**
 * The first line with more than blanks, once it has ended, to sniff the delimiter from; null while it may still
 * grow. Only the first MAX_LINE_CHARS characters are looked at, so the answer does not depend on how the text
 * was cut into chunks, and a file of one endless line (or endless blank lines) is not held whole. `final`: the
 * text is all there is.
 */
function firstLine(text: string, final: boolean): string | null {
  const head = text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) : text;
  let start = 0;
  for (;;) {
    const lf = head.indexOf('\n', start);
    const cr = head.indexOf('\r', start);
    const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    const line = head.slice(start, end < 0 ? head.length : end);
    if (end < 0) return final || head.length < text.length || text.length >= MAX_LINE_CHARS ? line : null;
    if (/[^ \uFEFF]/.test(line)) return line;
    start = end + 1;
  }
}

/** The index a spec names, or -1 for a header name. */
function columnIndex(spec: ColumnSpec): number {
  if (typeof spec === 'number') return spec;
  const s = spec.trim();
  return INDEX.test(s) ? Number(s) : -1;
}

/** Numbers and NaN/Infinity count as data when guessing a header, so a bad first value is reported, not skipped. */
function looksNumeric(cell: string): boolean {
  const c = cell.trim();
  return NUMBER.test(c) || NON_FINITE.test(c);
}

function grow(a: Float64Array): Float64Array {
  const grown = new Float64Array(a.length * 2);
  grown.set(a);
  return grown;
}

function show(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
