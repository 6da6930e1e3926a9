// The forecast picture: the actual series, the model's forecasts and the baselines' at the same test points, and
// for a horizon of several steps the fan of every forecast made for each time.

import { formatDate } from '../data/dates.ts';
import { lineChartSvg, type ChartBand, type ChartLine } from './line-chart-svg.ts';

/** Forecasts made at origins (index of the last value seen), `horizon` steps each: values are [points, horizon]. */
export interface ForecastTrace {
  name: string;
  origins: ArrayLike<number>;
  horizon: number;
  values: ArrayLike<number>;
}

export interface ForecastSvgOptions {
  title: string;
  /** The series in the data's units; x is the index into it (origins index into it too). */
  actual: ArrayLike<number>;
  /** One date (ms since 1970, UTC) per actual value: x ticks show them. Past the last, ticks show "+steps". */
  dates?: ArrayLike<number> | null;
  /** The first index of actual drawn (default 0): a long series is best shown from a little before its test part. */
  from?: number;
  forecast: ForecastTrace;
  baselines?: ForecastTrace[];
  width?: number;
  height?: number;
}

const COLORS = { actual: '#222222', forecast: '#d62728', baselines: ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b'] };

export function forecastSvg(o: ForecastSvgOptions): string {
  const from = o.from ?? 0;
  const n = o.actual.length;
  const lines: ChartLine[] = [{ name: 'actual', color: COLORS.actual, x: range(from, n), y: range(from, n).map((i) => o.actual[i]!) }];
  const bands: ChartBand[] = [];
  lines.push(...traceLines(o.forecast, COLORS.forecast, false, o.actual));
  if (o.forecast.horizon > 1 && o.forecast.origins.length > 1) bands.push(fan(o.forecast, COLORS.forecast));
  (o.baselines ?? []).forEach((b, k) => lines.push(...traceLines(b, COLORS.baselines[k % COLORS.baselines.length]!, true, o.actual)));
  const dates = o.dates;
  const xTick = dates
    ? (x: number) => (x < dates.length ? formatDate(dates[x]!) : `+${x - dates.length + 1}`)
    : undefined;
  return lineChartSvg({ title: o.title, xLabel: dates ? 'date' : 'index', yLabel: 'value', width: o.width, height: o.height, lines, bands, integerX: true, xTick });
}

/** Several origins: the one-step forecasts as a line, and the last origin's whole path when it has more steps.
 *  One origin: its path, starting from the value it was made at. */
function traceLines(t: ForecastTrace, color: string, dashed: boolean, actual: ArrayLike<number>): ChartLine[] {
  const points = t.origins.length;
  const H = t.horizon;
  const path = (p: number): ChartLine => {
    const o = t.origins[p]!;
    const start = o < actual.length ? [[o, actual[o]!]] : [];
    const steps = Array.from({ length: H }, (_, h) => [o + h + 1, t.values[p * H + h]!]);
    const xy = [...start, ...steps];
    return { name: points > 1 ? `${t.name} from the last origin` : t.name, color, dashed: true, x: xy.map((v) => v[0]!), y: xy.map((v) => v[1]!) };
  };
  if (points === 0) return [];
  if (points === 1) return [{ ...path(0), dashed }];
  const step1: ChartLine = { name: H > 1 ? `${t.name} (1 step ahead)` : t.name, color, dashed, x: Array.from(t.origins, (o) => o + 1), y: Array.from({ length: points }, (_, p) => t.values[p * H]!) };
  return H > 1 ? [step1, path(points - 1)] : [step1];
}

/** Per target time, the lowest and highest of the forecasts made for it from every origin and step. */
function fan(t: ForecastTrace, color: string): ChartBand {
  const H = t.horizon;
  const lo = new Map<number, number>();
  const hi = new Map<number, number>();
  for (let p = 0; p < t.origins.length; p++) {
    for (let h = 1; h <= H; h++) {
      const x = t.origins[p]! + h;
      const v = t.values[p * H + h - 1]!;
      lo.set(x, Math.min(lo.get(x) ?? Infinity, v));
      hi.set(x, Math.max(hi.get(x) ?? -Infinity, v));
    }
  }
  const xs = [...lo.keys()].sort((a, b) => a - b);
  return { name: `${t.name}: range of steps 1–${H}`, color, x: xs, lo: xs.map((x) => lo.get(x)!), hi: xs.map((x) => hi.get(x)!) };
}

function range(a: number, b: number): number[] {
  return Array.from({ length: Math.max(0, b - a) }, (_, k) => a + k);
}
