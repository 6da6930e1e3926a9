// Splits CSV text fed in arbitrary chunks into rows of cells. Its consumer says which cells to keep: every cell while
// it is still reading the header and the first data row, then only the columns it reads, so memory follows what is
// kept, not the file.

import type { DataError } from './errors.ts';

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

// No number needs more characters; longer cells are cut (and end in "…") so a corrupt file cannot make one cell hold
// gigabytes.
const MAX_CELL = 1024;
// A row kept whole is kept cell by cell; a line of millions of commas would make millions of strings.
// Spreadsheets stop at 16,384 columns.
export const MAX_LINE_CELLS = 65536;
export const MAX_LINE_CHARS = 2 ** 20;
// U+FFFD twice: how a UTF-8 decoder reads a UTF-16 byte-order mark (FF FE or FE FF).
const UTF16_BOM_AS_UTF8 = '\ufffd\ufffd';

/** One non-blank row. `cells` holds every cell when the row was kept whole, else the kept columns' cells by slot. */
export interface CsvRow {
  cells: string[];
  /** How many cells the row has. */
  count: number;
  /** 1-based line the row starts on. */
  line: number;
  whole: boolean;
}

export type Fail = (detail: string, line?: number) => DataError;

export class CsvTokenizer {
  private readonly delimiter: number;

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

  private whole = true;
  /** Column index → slot in `cells`, or -1; used once rows are no longer kept whole. */
  private slots = new Int32Array(0);
  private cells: string[] = [];
  private rowChars = 0;

  constructor(delimiter: string, private readonly fail: Fail, private readonly onRow: (row: CsvRow) => void) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw fail(`delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** From the next row on, keep only these columns' cells, at slot k for `columns[k]` (a column listed twice: at its
   *  first slot). */
  keepOnly(columns: readonly number[]): void {
    this.whole = false;
    this.slots = new Int32Array(Math.max(0, ...columns) + 1).fill(-1);
    columns.forEach((c, k) => this.slots[c]! < 0 && (this.slots[c] = k));
    this.cells = new Array<string>(columns.length).fill('');
  }

  /** The line the last non-blank content was on, for "the file is empty" messages. */
  lastLine(): number {
    return Math.max(1, this.endsWithNewline ? this.line - 1 : this.line);
  }

  push(chunk: string): void {
    const n = chunk.length;
    if (n === 0) return;
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.startsWith(UTF16_BOM_AS_UTF8)) throw this.fail('the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8', 1);
      if (chunk.charCodeAt(0) === BOM) i = 1;
      this.keep = this.keepCell(0);
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

  /** Finishes the last line. */
  end(): void {
    if (this.state === QUOTED) throw this.fail('a quoted cell is never closed', this.quoteLine);
    if (this.rowHasContent) {
      this.endCell();
      this.endRow();
    }
  }

  private keepCell(index: number): boolean {
    return this.whole || (index < this.slots.length && this.slots[index]! >= 0);
  }

  private append(c: number): void {
    if (!this.keep) return;
    if (this.cell.length >= MAX_CELL) this.cellCut = true;
    else this.cell += String.fromCharCode(c);
  }

  private endCell(): void {
    if (this.keep) {
      const text = this.cellCut ? `${this.cell}…` : this.cell;
      if (this.whole) {
        this.rowChars += text.length;
        if (this.cellIndex >= MAX_LINE_CELLS || this.rowChars > MAX_LINE_CHARS) {
          throw this.fail(`the first line is too long (over ${MAX_LINE_CELLS} cells or ${MAX_LINE_CHARS} characters); that is not a CSV ingraph reads`, this.line);
        }
        this.cells.push(text);
      } else this.cells[this.slots[this.cellIndex]!] = text;
    }
    this.cell = '';
    this.cellCut = false;
    this.cellIndex++;
    this.state = FIELD_START;
    this.keep = this.keepCell(this.cellIndex);
  }

  private endRow(): void {
    if (this.rowHasContent) {
      const row: CsvRow = { cells: this.cells, count: this.cellIndex, line: this.rowLine, whole: this.whole };
      if (this.whole) this.cells = [];
      this.onRow(row);
    } else if (this.whole) this.cells.length = 0;
    this.rowChars = 0;
    this.cellIndex = 0;
    this.cell = '';
    this.cellCut = false;
    this.rowHasContent = false;
    this.state = FIELD_START;
    this.keep = this.keepCell(0);
  }
}
