// Reads one numeric column from CSV text fed in arbitrary chunks. Only the selected column's cells are kept, so memory
// follows the output, not the file; the same code serves a browser File stream and a Node read stream.

import { dataError, type DataError } from './errors.ts';

/** A header name, or a 0-based column index; a digits-only string is an index unless the header has that name. */
export type ColumnSpec = string | number;

export interface CsvColumnOptions {
  /** Which column to read; default column 0. */
  column?: ColumnSpec;
  /** 'auto' (default): the first non-blank line is a header when its cell in the selected column is not a number. */
  header?: boolean | 'auto';
  /** File name for error messages. */
  source?: string;
  /** One character; default ','. */
  delimiter?: string;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;
const BOM = 0xfeff;

// Where the parser stands inside the current cell.
const FIELD_START = 0; // only blanks so far: an opening quote may still come
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3; // a quote inside a quoted cell: either "" (a literal quote) or the closing one
const AFTER_CLOSE = 4; // after the closing quote: only blanks may follow before the delimiter

// No number needs more characters; longer cells are cut so a corrupt file cannot make one cell hold gigabytes.
const MAX_CELL = 1024;
// The first line is kept cell by cell until it is known to be a header; a line of millions of commas would make
// millions of strings. Spreadsheets stop at 16,384 columns.
const MAX_FIRST_LINE_CELLS = 65536;
const MAX_FIRST_LINE_CHARS = 2 ** 20;
// U+FFFD twice: how a UTF-8 decoder reads a UTF-16 byte-order mark (FF FE or FE FF).
const UTF16_BOM_AS_UTF8 = '\ufffd\ufffd';
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const INDEX = /^\d+$/;

export class CsvColumnReader {
  private readonly source?: string;
  private readonly delimiter: number;
  private readonly header: boolean | 'auto';
  private readonly spec: ColumnSpec;

  private started = false;
  private endsWithNewline = false;
  private line = 1;
  private rowLine = 1;
  private quoteLine = 1;
  private afterCR = false;
  private state = FIELD_START;
  private rowHasContent = false;
  private cellIndex = 0;
  private cell = '';
  private cellCut = false;
  private keep = true;

  /** Until the first non-blank line is read, every cell is kept: it may be the header. */
  private firstLine: string[] | null = [];
  private firstLineChars = 0;
  private selected = -1;
  private label = '';
  private headerLine = 0;

  private values = new Float64Array(1024);
  private count = 0;

  constructor(opts: CsvColumnOptions = {}) {
    this.source = opts.source;
    this.header = opts.header ?? 'auto';
    this.spec = opts.column ?? 0;
    const delimiter = opts.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw this.fail(`delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
    if (typeof this.spec === 'number' && !(Number.isInteger(this.spec) && this.spec >= 0)) {
      throw this.fail(`column index must be a non-negative integer, got ${this.spec}`);
    }
    if (this.header === false && columnIndex(this.spec) < 0) {
      throw this.fail(`column "${this.spec}" is a name, but the file is read without a header`);
    }
  }

  push(chunk: string): void {
    const n = chunk.length;
    if (n === 0) return;
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.startsWith(UTF16_BOM_AS_UTF8)) throw this.fail('the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8', 1);
      if (chunk.charCodeAt(0) === BOM) i = 1;
    }
    const delimiter = this.delimiter;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0) throw this.fail('the file holds NUL bytes: it is UTF-16 or binary, not UTF-8 text; save it as UTF-8', this.line);
      // The LF of a CRLF: the CR already ended the line.
      if (c === LF && this.afterCR) {
        this.afterCR = false;
        if (this.state === QUOTED) this.append(c);
        continue;
      }
      this.afterCR = c === CR;

      if (this.state === QUOTED) {
        if (c === QUOTE) this.state = QUOTE_SEEN;
        else {
          if (c === LF || c === CR) this.line++;
          this.append(c);
        }
        continue;
      }
      if (this.state === QUOTE_SEEN) {
        if (c === QUOTE) {
          this.append(c);
          this.state = QUOTED;
          continue;
        }
        this.state = AFTER_CLOSE;
      }

      if (c === delimiter) {
        this.rowHasContent = true;
        this.endCell();
      } else if (c === LF || c === CR) {
        this.endCell();
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      } else if (this.state === AFTER_CLOSE) {
        if (c !== SPACE && c !== TAB) {
          throw this.fail(`unexpected ${JSON.stringify(chunk[i])} after the closing quote of a cell`, this.line);
        }
      } else {
        if (this.state === FIELD_START) {
          if (c === QUOTE) {
            this.state = QUOTED;
            this.rowHasContent = true;
            this.quoteLine = this.line;
            // Blanks before the opening quote are not part of the cell.
            if (this.keep) this.cell = '';
            continue;
          }
          if (c !== SPACE && c !== TAB) {
            this.state = UNQUOTED;
            this.rowHasContent = true;
          }
        }
        this.append(c);
      }
    }
    this.endsWithNewline = chunk.charCodeAt(n - 1) === LF || chunk.charCodeAt(n - 1) === CR;
  }

  /** Finishes the last line and returns the column's values. */
  end(): Float64Array {
    if (this.state === QUOTED) throw this.fail('a quoted cell is never closed', this.quoteLine);
    if (this.rowHasContent) {
      this.endCell();
      this.endRow();
    }
    if (this.firstLine) {
      const line = Math.max(1, this.endsWithNewline ? this.line - 1 : this.line);
      throw this.fail('the file has no data rows: it is empty or blank', line);
    }
    if (this.count === 0) throw this.fail('the file has a header but no data rows', this.headerLine);
    return this.values.slice(0, this.count);
  }

  private append(c: number): void {
    if (!this.keep) return;
    if (this.cell.length >= MAX_CELL) this.cellCut = true;
    else this.cell += String.fromCharCode(c);
  }

  private endCell(): void {
    if (this.firstLine) {
      this.firstLineChars += this.cell.length;
      if (this.firstLine.length === MAX_FIRST_LINE_CELLS || this.firstLineChars > MAX_FIRST_LINE_CHARS) {
        throw this.fail(`the first line is too long (over ${MAX_FIRST_LINE_CELLS} cells or ${MAX_FIRST_LINE_CHARS} characters); that is not a CSV ingraph reads`, this.line);
      }
      this.firstLine.push(this.cellCut ? `${this.cell}…` : this.cell);
      this.cell = '';
      this.cellCut = false;
    }
    this.cellIndex++;
    this.state = FIELD_START;
    // The selected cell's text stays in `cell` until the row ends; later cells are skipped.
    this.keep = this.firstLine !== null || this.cellIndex === this.selected;
  }

  private endRow(): void {
    const cells = this.cellIndex;
    if (this.rowHasContent) {
      if (this.firstLine) this.readFirstLine(this.firstLine);
      else if (cells <= this.selected) throw this.tooFewCells(cells);
      else this.add(this.cell, this.cellCut);
    } else if (this.firstLine) {
      this.firstLine.length = 0;
      this.firstLineChars = 0;
    }
    this.cellIndex = 0;
    this.cell = '';
    this.cellCut = false;
    this.rowHasContent = false;
    this.state = FIELD_START;
    this.keep = this.firstLine !== null || this.selected === 0;
  }

  /** Decides whether the first non-blank line is a header, resolves the column, and reads the line if it is data. */
  private readFirstLine(cells: string[]): void {
    this.firstLine = null;
    const spec = this.spec;
    const index = columnIndex(spec);
    let header: boolean;
    if (this.header !== 'auto') header = this.header;
    else if (index < 0) header = true;
    else {
      // An empty or missing cell says nothing (pandas leaves the index column's header empty): judge by the others.
      const cell = cells[index]?.trim();
      header = cell ? !looksNumeric(cell) : cells.some((c) => c.trim() !== '' && !looksNumeric(c));
    }

    if (!header) {
      this.select(index, `column ${index}`);
      if (cells.length <= index) throw this.tooFewCells(cells.length);
      this.add(cells[index]!, false);
      return;
    }
    this.headerLine = this.rowLine;
    const names = cells.map((c) => c.trim());
    const byName = typeof spec === 'string' ? names.indexOf(spec.trim()) : -1;
    if (byName >= 0 && names.indexOf(names[byName]!, byName + 1) >= 0) {
      const at = names.flatMap((n, k) => (n === names[byName] ? [k] : []));
      throw this.fail(`column ${JSON.stringify(names[byName])} appears ${at.length} times in the header (columns ${at.slice(0, 8).join(', ')}); pick one by its 0-based index`, this.rowLine);
    }
    const found = byName >= 0 ? byName : index < names.length ? index : -1;
    if (found >= 0) this.select(found, names[found] ? `column "${names[found]}"` : `column ${found}`);
    else if (index >= 0) {
      throw this.fail(`column index ${index} is out of range: the header has ${plural(names.length, 'column')}`, this.rowLine);
    } else {
      const list = names.slice(0, 20).map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 40)}…` : n)).join(', ') + (names.length > 20 ? `, … (${names.length} columns)` : '');
      throw this.fail(`no column "${String(spec).trim()}" in the header; its columns are ${list}`, this.rowLine);
    }
  }

  private select(index: number, label: string): void {
    this.selected = index;
    this.label = label;
  }

  private add(text: string, cut: boolean): void {
    const cell = text.trim();
    if (cell === '') throw this.fail(`the cell in ${this.label} is empty`, this.rowLine);
    const shown = JSON.stringify(cut || cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
    const isNumber = !cut && NUMBER.test(cell);
    const value = isNumber ? Number(cell) : NaN;
    if (!Number.isFinite(value)) {
      const what = isNumber || NON_FINITE.test(cell) ? 'not a finite number' : 'not a number';
      throw this.fail(`cell ${shown} in ${this.label} is ${what}`, this.rowLine);
    }
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = value;
  }

  private tooFewCells(cells: number): DataError {
    return this.fail(`the row has ${plural(cells, 'cell')}, too few for ${this.label}`, this.rowLine);
  }

  private fail(detail: string, line?: number): DataError {
    return dataError(detail, { source: this.source, line });
  }
}

/** Reads one numeric column of a whole CSV text. */
export function parseCsvColumn(text: string, opts: CsvColumnOptions = {}): Float64Array {
  const reader = new CsvColumnReader(opts);
  reader.push(text);
  return reader.end();
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

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
