// A static line chart as SVG text, for files written beside a model (no browser, no DOM): lines and shaded bands
// over shared axes with round ticks, a title and a legend. The same input always gives the same bytes.

import { linearTicks, logTicks } from './axis-ticks.ts';
import { formatNumber } from './format-number.ts';

export interface ChartLine {
  /** Legend label. */
  name: string;
  color: string;
  dashed?: boolean;
  x: ArrayLike<number>;
  /** A non-finite y (or, on a log axis, y ≤ 0) breaks the line. */
  y: ArrayLike<number>;
}

/** A shaded range from lo to hi at each x. */
export interface ChartBand {
  name: string;
  color: string;
  x: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

export interface LineChart {
  title: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  lines: ChartLine[];
  bands?: ChartBand[];
  logY?: boolean;
  /** Only whole-number x ticks (epochs, row indices). */
  integerX?: boolean;
  /** The text of an x tick; default: the number. */
  xTick?: (x: number) => string;
}

const PAD = { left: 64, right: 16, top: 34, bottom: 44 };
const X_TICK_SPACING = 110;
const Y_TICK_SPACING = 48;
const LEGEND_ROW = 16;
const LEGEND_CHAR_W = 6.2;

export function lineChartSvg(c: LineChart): string {
  const width = c.width ?? 800;
  const height = c.height ?? 360;
  const bands = c.bands ?? [];
  const ty = (v: number) => (c.logY ? (v > 0 ? Math.log10(v) : NaN) : v);
  const xs = [...c.lines.map((l) => l.x), ...bands.map((b) => b.x)];
  const ys = [...c.lines.map((l) => Array.from(l.y, ty)), ...bands.flatMap((b) => [Array.from(b.lo, ty), Array.from(b.hi, ty)])];
  const [x0, x1] = extent(xs);
  const [ylo, yhi] = extent(ys);
  // A little room above and below, so no line runs along the frame.
  const [y0, y1] = [ylo - (yhi - ylo) * 0.04, yhi + (yhi - ylo) * 0.04];
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => PAD.top + (1 - (y - y0) / (y1 - y0)) * plotH;

  let xTicks = linearTicks(x0, x1, Math.max(2, Math.floor(plotW / X_TICK_SPACING)));
  if (c.integerX) xTicks = xTicks.filter(Number.isInteger);
  const yTicks = c.logY ? logTicks(y0, y1) : linearTicks(y0, y1, Math.max(2, Math.floor(plotH / Y_TICK_SPACING)));
  const xText = c.xTick ?? ((x: number) => formatNumber(x));
  const yText = (y: number) => formatNumber(c.logY ? 10 ** y : y);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<title>${escapeXml(c.title)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(c.title)}</text>`);

  out.push('<g class="grid" stroke="#e6e6e6">');
  for (const t of yTicks) out.push(`<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${f(py(t))}" y2="${f(py(t))}"/>`);
  out.push('</g>');
  out.push(`<g class="axis x" text-anchor="middle">`);
  out.push(`<line x1="${PAD.left}" x2="${width - PAD.right}" y1="${height - PAD.bottom}" y2="${height - PAD.bottom}" stroke="#444444"/>`);
  for (const t of xTicks) {
    out.push(`<line x1="${f(px(t))}" x2="${f(px(t))}" y1="${height - PAD.bottom}" y2="${height - PAD.bottom + 5}" stroke="#444444"/><text x="${f(px(t))}" y="${height - PAD.bottom + 17}">${escapeXml(xText(t))}</text>`);
  }
  if (c.xLabel) out.push(`<text class="label" x="${PAD.left + plotW / 2}" y="${height - 6}">${escapeXml(c.xLabel)}</text>`);
  out.push('</g>');
  out.push(`<g class="axis y" text-anchor="end">`);
  out.push(`<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${height - PAD.bottom}" stroke="#444444"/>`);
  for (const t of yTicks) {
    out.push(`<line x1="${PAD.left - 5}" x2="${PAD.left}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#444444"/><text x="${PAD.left - 8}" y="${f(py(t) + 4)}">${escapeXml(yText(t))}</text>`);
  }
  if (c.yLabel) out.push(`<text class="label" transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(c.yLabel)}</text>`);
  out.push('</g>');

  for (const b of bands) {
    const lo = Array.from(b.lo, ty);
    const hi = Array.from(b.hi, ty);
    const d = runs(b.x, (i) => Number.isFinite(lo[i]!) && Number.isFinite(hi[i]!)).map((run) => {
      const top = run.map((i) => `${f(px(b.x[i]!))} ${f(py(hi[i]!))}`);
      const bottom = run.reverse().map((i) => `${f(px(b.x[i]!))} ${f(py(lo[i]!))}`);
      return `M${[...top, ...bottom].join('L')}Z`;
    });
    out.push(`<path class="band" data-name="${escapeXml(b.name)}" d="${d.join('')}" fill="${b.color}" fill-opacity="0.18" stroke="none"/>`);
  }
  for (const l of c.lines) {
    const y = Array.from(l.y, ty);
    const d = runs(l.x, (i) => Number.isFinite(y[i]!)).map((run) => `M${run.map((i) => `${f(px(l.x[i]!))} ${f(py(y[i]!))}`).join('L')}${run.length === 1 ? 'h0' : ''}`);
    out.push(`<path class="line" data-name="${escapeXml(l.name)}" data-points="${d.length ? y.filter(Number.isFinite).length : 0}" d="${d.join('')}" fill="none" stroke="${l.color}" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"${l.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
  }

  const entries = [...c.lines.map((l) => ({ name: l.name, color: l.color, dashed: l.dashed, band: false })), ...bands.map((b) => ({ name: b.name, color: b.color, dashed: false, band: true }))];
  const legendW = 30 + LEGEND_CHAR_W * Math.max(0, ...entries.map((e) => e.name.length));
  const lx = width - PAD.right - legendW - 6;
  out.push(`<g class="legend" transform="translate(${f(lx)} ${PAD.top + 6})">`);
  out.push(`<rect width="${f(legendW + 6)}" height="${entries.length * LEGEND_ROW + 6}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`);
  entries.forEach((e, k) => {
    const y = 6 + k * LEGEND_ROW + LEGEND_ROW / 2;
    const mark = e.band
      ? `<rect x="6" y="${y - 5}" width="20" height="10" fill="${e.color}" fill-opacity="0.18"/>`
      : `<line x1="6" x2="26" y1="${y}" y2="${y}" stroke="${e.color}" stroke-width="2"${e.dashed ? ' stroke-dasharray="5 3"' : ''}/>`;
    out.push(`${mark}<text x="32" y="${y + 4}">${escapeXml(e.name)}</text>`);
  });
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Text for XML content and attribute values. */
export function escapeXml(text: string): string {
  // Characters XML 1.0 does not allow at all are dropped: a column name from a file may hold anything.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Pixel coordinates with one decimal: enough for a screen, and the same text on every machine. */
function f(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** Low and high over every finite value; a single value gets a unit-wide range around it. */
function extent(arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** Consecutive indices where `ok` holds: the pieces a line is drawn in. */
function runs(x: ArrayLike<number>, ok: (i: number) => boolean): number[][] {
  const out: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (ok(i) && Number.isFinite(x[i]!)) run.push(i);
    else if (run.length) {
      out.push(run);
      run = [];
    }
  }
  if (run.length) out.push(run);
  return out;
}
