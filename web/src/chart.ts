// Line charts as SVG: a few series over shared axes, with ticks, a legend and optional vertical markers.
import { formatNumber, s } from './dom.ts';

export interface Line {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** CSS class giving the colour (see style.css: .c-actual, .c-pred, ...). */
  cls: string;
  dashed?: boolean;
  /** Draw dots at the points too (for short series such as a loss curve of a few epochs). */
  dots?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  /** Only whole-number ticks on x (epochs). */
  integerX?: boolean;
  markers?: { x: number; label: string }[];
  width?: number;
  height?: number;
}

const PAD = { left: 62, right: 16, top: 28, bottom: 44 };
/** Rough text widths for layout (11-13 px system font). */
const LEGEND_CHAR_W = 6.5;
const TITLE_CHAR_W = 8;

/** About `count` round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Ticks for a log10 axis spanning [lo, hi] (in log10 units): 1, 2, 5 per decade, or 1 alone over many decades. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const mantissas = hi - lo > 3 ? [1] : [1, 2, 5];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
    for (const m of mantissas) {
      const t = k + Math.log10(m);
      if (t >= lo && t <= hi) out.push(t);
    }
  }
  return out;
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

export function lineChart(lines: Line[], o: ChartOptions): SVGSVGElement {
  const W = o.width ?? 900;
  const H = o.height ?? 320;
  const ty = (v: number) => (o.logY ? Math.log10(v) : v);
  const usable = (v: number) => Number.isFinite(v) && (!o.logY || v > 0);

  const xs: number[] = [];
  const ys: number[] = [];
  for (const l of lines) {
    for (let i = 0; i < l.y.length; i++) {
      if (!usable(l.y[i]!) || !Number.isFinite(l.x[i]!)) continue;
      xs.push(l.x[i]!);
      ys.push(ty(l.y[i]!));
    }
  }
  for (const m of o.markers ?? []) xs.push(m.x);

  // The legend sits right of the title, or on a line of its own below it when both do not fit.
  const legendW = lines.reduce((a, l) => a + 30 + l.label.length * LEGEND_CHAR_W, 0);
  const ownLine = PAD.left + o.title.length * TITLE_CHAR_W + legendW > W - PAD.right;
  const legendY = ownLine ? 36 : 14;
  const top = PAD.top + (ownLine ? 20 : 0);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': o.title });
  svg.append(s('text', { x: PAD.left, y: 18, class: 'chart-title' }, o.title));
  if (ys.length === 0) {
    svg.append(s('text', { x: W / 2, y: H / 2, class: 'chart-empty', 'text-anchor': 'middle' }, 'no data'));
    return svg;
  }

  let [x0, x1] = extent(xs);
  let [y0, y1] = extent(ys);
  const ypad = (y1 - y0) * 0.05;
  y0 -= ypad;
  y1 += ypad;
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - top - PAD.bottom);

  const axes = s('g', { class: 'axes' });
  for (const t of ticks(x0, x1, 8).filter((t) => !o.integerX || Number.isInteger(t))) {
    axes.append(s('line', { x1: px(t), x2: px(t), y1: top, y2: H - PAD.bottom, class: 'grid' }));
    axes.append(s('text', { x: px(t), y: H - PAD.bottom + 16, 'text-anchor': 'middle' }, formatNumber(t, 4)));
  }
  const yTicks = o.logY ? logTicks(y0, y1) : ticks(y0, y1, 6);
  for (const t of yTicks) {
    axes.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: py(t), y2: py(t), class: 'grid' }));
    axes.append(s('text', { x: PAD.left - 6, y: py(t) + 4, 'text-anchor': 'end' }, formatNumber(o.logY ? 10 ** t : t, 3)));
  }
  axes.append(s('rect', { x: PAD.left, y: top, width: W - PAD.left - PAD.right, height: H - top - PAD.bottom, class: 'frame' }));
  axes.append(s('text', { x: (PAD.left + W - PAD.right) / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-label' }, o.xLabel));
  axes.append(
    s('text', { x: 14, y: (top + H - PAD.bottom) / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 14 ${(top + H - PAD.bottom) / 2})` }, o.yLabel + (o.logY ? ' (log)' : '')),
  );
  svg.append(axes);

  for (const m of o.markers ?? []) {
    svg.append(s('line', { x1: px(m.x), x2: px(m.x), y1: top, y2: H - PAD.bottom, class: 'marker' }));
    svg.append(s('text', { x: px(m.x) + 4, y: top + 12, class: 'marker-label' }, m.label));
  }

  for (const l of lines) {
    // A gap (non-finite value) breaks the line rather than joining across it.
    const runs: string[][] = [[]];
    const dots = s('g', { class: `dots ${l.cls}` });
    for (let i = 0; i < l.y.length; i++) {
      const x = l.x[i]!;
      const y = l.y[i]!;
      if (!usable(y) || !Number.isFinite(x)) {
        if (runs[runs.length - 1]!.length) runs.push([]);
        continue;
      }
      runs[runs.length - 1]!.push(`${px(x).toFixed(1)},${py(ty(y)).toFixed(1)}`);
      if (l.dots) dots.append(s('circle', { cx: px(x).toFixed(1), cy: py(ty(y)).toFixed(1), r: 2.5 }));
    }
    const g = s('g', { class: `series ${l.cls}`, 'data-label': l.label });
    for (const r of runs) {
      if (r.length) g.append(s('polyline', { points: r.join(' '), class: l.dashed ? 'dashed' : '' }));
    }
    svg.append(g);
    if (l.dots) svg.append(dots);
  }

  const legend = s('g', { class: 'legend' });
  let lx = W - PAD.right;
  for (const l of [...lines].reverse()) {
    lx -= 30 + l.label.length * LEGEND_CHAR_W;
    legend.append(s('line', { x1: lx, x2: lx + 20, y1: legendY, y2: legendY, class: `${l.cls} ${l.dashed ? 'dashed' : ''}` }));
    legend.append(s('text', { x: lx + 24, y: legendY + 4 }, l.label));
  }
  svg.append(legend);
  return svg;
}
