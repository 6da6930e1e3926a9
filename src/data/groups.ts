// Long-format data: rows of (id, value, …) split into one series per id, in the order the rows come (each
// series' rows must already be in time order). Fed parsed rows, so any CSV reader can drive it.

import { dataError } from './errors.ts';

export interface GroupOptions {
  /** Header name of the column that says which series a row belongs to. */
  group: string;
  /** Header name or 0-based index of the value column. */
  column: string | number;
  /** File name for error messages. */
  source?: string;
}

export class GroupCollector {
  private groupAt = -1;
  private valueAt = -1;
  private valueLabel = '';
  private readonly series = new Map<string, number[]>();

  constructor(private readonly opts: GroupOptions) {}

  /** One parsed row; the first is the header. `line` is its 1-based line for messages. */
  row(cells: string[], line: number): void {
    if (this.groupAt < 0) return this.header(cells.map((c) => c.trim()), line);
    if (cells.length === 1 && cells[0]!.trim() === '') return;
    const at = { source: this.opts.source, line };
    if (cells.length <= Math.max(this.groupAt, this.valueAt)) throw dataError(`the row has ${cells.length} cells, too few for the group and value columns`, at);
    const id = cells[this.groupAt]!.trim();
    if (id === '') throw dataError(`the cell in group column "${this.opts.group}" is empty`, at);
    const text = cells[this.valueAt]!.trim();
    const value = text === '' ? NaN : Number(text);
    if (!Number.isFinite(value)) throw dataError(`cell ${JSON.stringify(text.slice(0, 40))} in ${this.valueLabel} is not a finite number`, at);
    let values = this.series.get(id);
    if (!values) this.series.set(id, (values = []));
    values.push(value);
  }

  /** The series by id, in order of first appearance. */
  end(): Map<string, Float64Array> {
    const where = { source: this.opts.source };
    if (this.groupAt < 0) throw dataError('the file is empty: no header', where);
    if (this.series.size === 0) throw dataError('the file has a header but no data rows', where);
    return new Map([...this.series].map(([id, v]) => [id, Float64Array.from(v)]));
  }

  private header(names: string[], line: number): void {
    const at = { source: this.opts.source, line };
    const list = names.map((n) => JSON.stringify(n)).join(', ');
    const group = names.indexOf(this.opts.group.trim());
    if (group < 0) throw dataError(`no group column "${this.opts.group}" in the header; its columns are ${list}`, at);
    const spec = this.opts.column;
    const byName = names.indexOf(String(spec).trim());
    const index = byName >= 0 ? byName : /^\d+$/.test(String(spec).trim()) ? Number(spec) : -1;
    if (index < 0 || index >= names.length) throw dataError(`no column "${spec}" in the header; its columns are ${list}`, at);
    if (index === group) throw dataError(`the value column and the group column are both "${names[index]}"`, at);
    this.groupAt = group;
    this.valueAt = index;
    this.valueLabel = `column "${names[index]}"`;
  }
}
