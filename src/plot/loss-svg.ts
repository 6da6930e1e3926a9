// The loss picture: training, validation and test loss by epoch, on a log axis when they span a decade or more.

import { lineChartSvg, type ChartLine } from './line-chart-svg.ts';

/** One epoch of train-log.jsonl. */
export interface LossEntry {
  epoch: number;
  train_loss: number;
  val_loss?: number | null;
  test_loss?: number | null;
}

export interface LossSvgOptions {
  title?: string;
  width?: number;
  height?: number;
}

const SERIES = [
  { key: 'train_loss', name: 'train', color: '#1f77b4' },
  { key: 'val_loss', name: 'validation', color: '#ff7f0e' },
  { key: 'test_loss', name: 'test', color: '#2ca02c' },
] as const;

export function lossSvg(entries: readonly LossEntry[], o: LossSvgOptions = {}): string {
  const x = entries.map((e) => e.epoch);
  const lines: ChartLine[] = SERIES.filter((s) => entries.some((e) => typeof e[s.key] === 'number')).map((s) => ({
    name: s.name,
    color: s.color,
    x,
    y: entries.map((e) => e[s.key] ?? NaN),
  }));
  const values = lines.flatMap((l) => Array.from(l.y)).filter(Number.isFinite);
  const logY = values.length > 0 && values.every((v) => v > 0) && Math.max(...values) >= 10 * Math.min(...values);
  return lineChartSvg({ title: o.title ?? 'Loss by epoch', xLabel: 'epoch', yLabel: logY ? 'loss (log scale)' : 'loss', width: o.width, height: o.height, lines, logY, integerX: true });
}
