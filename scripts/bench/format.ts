// Markdown tables and the number formats the benchmark prints: a figure with its spread, ratios, sizes.
import type { Summary } from './stats.ts';

/** Significant-figure formatting that keeps small and large figures readable: 0.0226, 1.93, 412. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - mag);
  return x.toFixed(Math.min(decimals, 6));
}

/** "1.93 (1.90–2.01)"; one run shows just the figure. */
export function fmtSummary(s: Summary, digits = 3): string {
  if (s.n === 0) return '–';
  if (s.n === 1 || s.min === s.max) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

/** How many times faster `fast` is than `slow`, from per-step times: "12.3×". */
export function ratio(slowMs: number, fastMs: number): string {
  if (!(slowMs > 0) || !(fastMs > 0)) return '–';
  const r = slowMs / fastMs;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`;
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A GitHub-flavoured Markdown table; numeric-looking columns are right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  for (const r of rows) {
    if (r.length !== header.length) throw new RangeError(`table row has ${r.length} cells, the header ${header.length}`);
  }
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[–\d.(]/.test(r[c]!)));
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const rule = `| ${header.map((_, c) => (numeric[c] ? '---:' : '---')).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
