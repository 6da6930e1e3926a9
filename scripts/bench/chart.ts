// The scaling grid as an SVG chart: ms per optimizer step (log) against the work of a step (multiply-adds of the
// LSTM's products, forward and backward; log), one line per contender. A static file drawn without a DOM, so it is
// written here rather than through a charting library that needs one.

export interface ChartSeries {
  label: string;
  /** [work, ms per step] per grid point; NaN ms are left out. */
  points: [number, number][];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const W = 760, H = 440, M = { left: 70, right: 220, top: 30, bottom: 50 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Powers of ten spanning [lo, hi]. */
function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

export function scalingChart(series: readonly ChartSeries[], title: string): string {
  const all = series.flatMap((s) => s.points.filter(([, y]) => Number.isFinite(y)));
  if (all.length === 0) throw new RangeError('no points to chart');
  const xs = decades(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const ys = decades(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const [x0, x1] = [Math.log10(xs[0]!), Math.log10(xs.at(-1)!)], [y0, y1] = [Math.log10(ys[0]!), Math.log10(ys.at(-1)!)];
  const px = (x: number) => M.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const f = (v: number) => v.toFixed(1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="18" font-size="14">${esc(title)}</text>`,
  ];
  for (const x of xs) out.push(`<line x1="${f(px(x))}" y1="${M.top}" x2="${f(px(x))}" y2="${H - M.bottom}" stroke="#ddd"/>`, `<text x="${f(px(x))}" y="${H - M.bottom + 16}" text-anchor="middle">${x.toExponential(0)}</text>`);
  for (const y of ys) out.push(`<line x1="${M.left}" y1="${f(py(y))}" x2="${W - M.right}" y2="${f(py(y))}" stroke="#ddd"/>`, `<text x="${M.left - 6}" y="${f(py(y) + 4)}" text-anchor="end">${y >= 1 ? y : y.toPrecision(1)}</text>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">multiply-adds per step (log)</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">ms per step (log)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter(([, y]) => Number.isFinite(y)).sort((a, b) => a[0] - b[0]);
    out.push(`<g class="series" data-label="${esc(s.label)}" fill="${color}" stroke="${color}">`);
    for (const [x, y] of pts) out.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3"/>`);
    out.push('</g>');
    const ly = M.top + 10 + i * 18;
    out.push(`<circle cx="${W - M.right + 16}" cy="${ly - 4}" r="4" fill="${color}"/>`, `<text x="${W - M.right + 26}" y="${ly}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
