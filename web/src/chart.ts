// Line charts as SVG drawn at the width of their box (so text stays 11 px on a phone): a few series over shared
// axes, a legend whose entries hide and show their series, optional vertical markers, and a readout of the values
// nearest the pointer.
import { linearTicks, logTicks } from '../../src/plot/axis-ticks.ts';
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
  width: number;
  height?: number;
  logY?: boolean;
  /** Only whole-number ticks on x (epochs). */
  integerX?: boolean;
  /** The x range to show; points outside it are left out. Default: all the data. */
  xRange?: [number, number];
  markers?: { x: number; label: string }[];
  /** Labels of the series drawn hidden; the legend's entries toggle them and then call onToggle. */
  hidden?: Set<string>;
  onToggle?: () => void;
}

const PAD = { left: 58, right: 12, top: 26, bottom: 40 };
/** Rough text widths for layout (11-13 px system font). */
const LEGEND_CHAR_W = 6.3;
const LEGEND_ROW = 16;
const X_TICK_SPACING = 70;

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

/** Index of the point of `x` (ascending) nearest to `at`. */
function nearest(x: ArrayLike<number>, at: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! < at) lo = mid;
    else hi = mid;
  }
  return Math.abs(x[lo]! - at) <= Math.abs(x[hi]! - at) ? lo : hi;
}

export function lineChart(all: Line[], o: ChartOptions): SVGSVGElement {
  const W = Math.max(280, Math.round(o.width));
  const H = o.height ?? 320;
  const ty = (v: number) => (o.logY ? Math.log10(v) : v);
  const inX = (x: number) => Number.isFinite(x) && (!o.xRange || (x >= o.xRange[0] && x <= o.xRange[1]));
  const usable = (v: number) => Number.isFinite(v) && (!o.logY || v > 0);
  const hidden = o.hidden ?? new Set<string>();

  // A series with nothing to draw gets no legend entry either.
  const lines = all.filter((l) => Array.from(l.y).some((v, i) => usable(v) && inX(l.x[i]!)));
  const shown = lines.filter((l) => !hidden.has(l.label));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const l of shown) {
    for (let i = 0; i < l.y.length; i++) {
      if (!usable(l.y[i]!) || !inX(l.x[i]!)) continue;
      xs.push(l.x[i]!);
      ys.push(ty(l.y[i]!));
    }
  }
  if (o.xRange) xs.push(...o.xRange);
  for (const m of o.markers ?? []) if (inX(m.x)) xs.push(m.x);

  // The legend wraps onto as many rows as the width needs, below the title.
  const legendRows: Line[][] = [[]];
  let used = PAD.left;
  for (const l of lines) {
    const w = 28 + l.label.length * LEGEND_CHAR_W;
    if (used + w > W - PAD.right && legendRows[legendRows.length - 1]!.length) {
      legendRows.push([]);
      used = PAD.left;
    }
    legendRows[legendRows.length - 1]!.push(l);
    used += w;
  }
  const top = PAD.top + legendRows.length * LEGEND_ROW + 4;

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: 'chart', role: 'img', 'aria-label': o.title });
  svg.append(s('text', { x: PAD.left, y: 16, class: 'chart-title' }, o.title));
  if (ys.length === 0 && lines.length === 0) {
    svg.append(s('text', { x: W / 2, y: H / 2, class: 'chart-empty', 'text-anchor': 'middle' }, 'no data'));
    return svg;
  }

  let [x0, x1] = extent(xs.length ? xs : [0, 1]);
  let [y0, y1] = extent(ys.length ? ys : [0, 1]);
  const ypad = (y1 - y0) * 0.05;
  y0 -= ypad;
  y1 += ypad;
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  const plotW = W - PAD.left - PAD.right;
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - top - PAD.bottom);

  const axes = s('g', { class: 'axes' });
  const xCount = Math.max(2, Math.floor(plotW / X_TICK_SPACING));
  for (const t of linearTicks(x0, x1, xCount).filter((t) => !o.integerX || Number.isInteger(t))) {
    axes.append(s('line', { x1: px(t), x2: px(t), y1: top, y2: H - PAD.bottom, class: 'grid' }));
    axes.append(s('text', { x: px(t), y: H - PAD.bottom + 15, 'text-anchor': 'middle' }, formatNumber(t, 4)));
  }
  const yTicks = o.logY ? logTicks(y0, y1) : linearTicks(y0, y1, 6);
  for (const t of yTicks) {
    axes.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: py(t), y2: py(t), class: 'grid' }));
    axes.append(s('text', { x: PAD.left - 5, y: py(t) + 4, 'text-anchor': 'end', class: 'y-tick' }, formatNumber(o.logY ? 10 ** t : t, 3)));
  }
  axes.append(s('rect', { x: PAD.left, y: top, width: plotW, height: H - top - PAD.bottom, class: 'frame' }));
  axes.append(s('text', { x: PAD.left + plotW / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-label' }, o.xLabel));
  const mid = (top + H - PAD.bottom) / 2;
  axes.append(s('text', { x: 12, y: mid, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 12 ${mid})` }, o.yLabel + (o.logY ? ' (log)' : '')));
  svg.append(axes);

  for (const m of o.markers ?? []) {
    if (!inX(m.x)) continue;
    svg.append(s('line', { x1: px(m.x), x2: px(m.x), y1: top, y2: H - PAD.bottom, class: 'marker' }));
    svg.append(s('text', { x: px(m.x) + 4, y: top + 12, class: 'marker-label' }, m.label));
  }

  for (const l of shown) {
    // A gap (non-finite value) breaks the line rather than joining across it.
    const runs: string[][] = [[]];
    const dots = s('g', { class: `dots ${l.cls}` });
    for (let i = 0; i < l.y.length; i++) {
      const x = l.x[i]!;
      const y = l.y[i]!;
      if (!inX(x)) continue;
      if (!usable(y)) {
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
  legendRows.forEach((row, r) => {
    let lx = PAD.left;
    const y = 16 + (r + 1) * LEGEND_ROW;
    for (const l of row) {
      const item = s('g', { class: `legend-item${hidden.has(l.label) ? ' off' : ''}`, 'data-label': l.label, role: 'button', tabindex: 0 });
      item.append(s('title', {}, hidden.has(l.label) ? `show ${l.label}` : `hide ${l.label}`));
      item.append(s('rect', { x: lx - 2, y: y - 10, width: 26 + l.label.length * LEGEND_CHAR_W, height: 14, class: 'hit' }));
      item.append(s('line', { x1: lx, x2: lx + 18, y1: y - 3, y2: y - 3, class: `${l.cls} ${l.dashed ? 'dashed' : ''}` }));
      item.append(s('text', { x: lx + 22, y }, l.label));
      const toggle = () => {
        if (hidden.has(l.label)) hidden.delete(l.label);
        else hidden.add(l.label);
        o.onToggle?.();
      };
      item.addEventListener('click', toggle);
      item.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && toggle());
      legend.append(item);
      lx += 28 + l.label.length * LEGEND_CHAR_W;
    }
  });
  svg.append(legend);
  if (shown.length) svg.append(readout(shown, { px, py, ty, x0, x1, top, W, H, usable, inX }));
  return svg;
}

interface Frame {
  px(x: number): number;
  py(y: number): number;
  ty(v: number): number;
  x0: number;
  x1: number;
  top: number;
  W: number;
  H: number;
  usable(v: number): boolean;
  inX(x: number): boolean;
}

/** A transparent layer over the plot: the pointer's nearest x gets a guide line and each series' value there. */
function readout(lines: Line[], f: Frame): SVGGElement {
  const g = s('g', { class: 'hover' });
  const area = s('rect', { x: PAD.left, y: f.top, width: f.W - PAD.left - PAD.right, height: f.H - f.top - PAD.bottom, class: 'hover-area' });
  const shown = s('g', { class: 'readout', visibility: 'hidden' });
  g.append(area, shown);
  const hide = () => shown.setAttribute('visibility', 'hidden');
  area.addEventListener('pointerleave', hide);
  area.addEventListener('pointermove', (e) => {
    const svg = area.ownerSVGElement!;
    const ctm = svg.getScreenCTM();
    if (!ctm) return;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    const at = f.x0 + ((p.x - PAD.left) / (f.W - PAD.left - PAD.right)) * (f.x1 - f.x0);
    const rows: { label: string; cls: string; x: number; y: number }[] = [];
    for (const l of lines) {
      if (!l.x.length) continue;
      const i = nearest(l.x, at);
      const x = l.x[i]!;
      const y = l.y[i]!;
      if (f.inX(x) && f.usable(y) && Math.abs(f.px(x) - p.x) < 24) rows.push({ label: l.label, cls: l.cls, x, y });
    }
    if (!rows.length) return hide();
    const x = rows[0]!.x;
    const lines2 = [`x ${formatNumber(x, 6)}`, ...rows.map((r) => `${r.label}: ${formatNumber(r.y, 5)}`)];
    const boxW = 12 + Math.max(...lines2.map((t) => t.length)) * LEGEND_CHAR_W;
    const boxH = 6 + lines2.length * 14;
    const bx = f.px(x) + 10 + boxW > f.W - PAD.right ? f.px(x) - 10 - boxW : f.px(x) + 10;
    shown.replaceChildren(
      s('line', { x1: f.px(x), x2: f.px(x), y1: f.top, y2: f.H - PAD.bottom, class: 'guide' }),
      ...rows.map((r) => s('circle', { cx: f.px(r.x), cy: f.py(f.ty(r.y)), r: 3.5, class: r.cls })),
      s('rect', { x: bx, y: f.top + 4, width: boxW, height: boxH, rx: 4, class: 'readout-box' }),
      ...lines2.map((t, k) => s('text', { x: bx + 6, y: f.top + 18 + k * 14 }, t)),
    );
    shown.setAttribute('visibility', 'visible');
  });
  return g;
}
