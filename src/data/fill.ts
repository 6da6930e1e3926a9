// What to do with missing values (NaN) in a table's columns, rows in time order.

export const FILL_POLICIES = ['error', 'ffill', 'interpolate', 'drop'] as const;
/**
 * 'error': a missing cell stops reading (the reader reports its line). 'ffill': the last value before it.
 * 'interpolate': linear between the values around it, by row; after the last value, that value. 'drop': the row goes.
 * ffill and interpolate drop the leading rows that come before some column's first value: nothing precedes them.
 */
export type FillPolicy = (typeof FILL_POLICIES)[number];

export interface Filled {
  columns: Float64Array[];
  /** The rows kept, as indices into the input; null when every row is kept. */
  kept: Int32Array | null;
  /** Cells filled, per column. */
  filled: number[];
}

/** Fills or drops the NaNs of equally long columns. Every column needs at least one value (the caller checks). */
export function fillMissing(columns: Float64Array[], policy: Exclude<FillPolicy, 'error'>): Filled {
  const rows = columns[0]?.length ?? 0;
  if (policy === 'drop') {
    const kept: number[] = [];
    for (let r = 0; r < rows; r++) if (columns.every((c) => !Number.isNaN(c[r]!))) kept.push(r);
    return select(columns, Int32Array.from(kept), columns.map(() => 0));
  }
  const firsts = columns.map((c) => c.findIndex((v) => !Number.isNaN(v)));
  const lead = Math.max(0, ...firsts);
  const filled = columns.map((c, j) => {
    let count = 0;
    let last = firsts[j]!;
    for (let r = last + 1; r < rows; r++) {
      if (!Number.isNaN(c[r]!)) {
        if (policy === 'interpolate') {
          for (let k = last + 1; k < r; k++) c[k] = c[last]! + ((c[r]! - c[last]!) * (k - last)) / (r - last);
        }
        last = r;
      } else {
        if (r >= lead) count++;
        // ffill now; interpolate overwrites this once the next value comes (after the last one, it stays).
        c[r] = c[r - 1]!;
      }
    }
    return count;
  });
  return lead === 0 ? { columns, kept: null, filled } : select(columns, Int32Array.from({ length: rows - lead }, (_, k) => lead + k), filled);
}

function select(columns: Float64Array[], kept: Int32Array, filled: number[]): Filled {
  return { columns: columns.map((c) => Float64Array.from(kept, (r) => c[r]!)), kept, filled };
}
