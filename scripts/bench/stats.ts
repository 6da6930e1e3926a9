// Summaries of repeated measurements: the median is the figure reported, min and max the spread shown beside it.

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** NaN entries (a figure a run could not give) are left out; all-NaN gives a NaN summary with n = 0. */
export function summarize(xs: readonly number[]): Summary {
  const ok = xs.filter((x) => !Number.isNaN(x));
  if (ok.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return { median: median(ok), min: Math.min(...ok), max: Math.max(...ok), n: ok.length };
}

/** Each numeric field of a list of records summarised on its own. */
export function summarizeFields<K extends string>(runs: readonly Record<K, number>[], keys: readonly K[]): Record<K, Summary> {
  return Object.fromEntries(keys.map((k) => [k, summarize(runs.map((r) => r[k]))])) as Record<K, Summary>;
}
