// The folds' test scores gathered: each metric's mean and spread over the folds for the model and both baselines,
// a verdict on the means, and the table the backtest prints.

import { verdict, type Accuracy, type Evaluation } from '../metrics/index.ts';
import { formatNumber } from '../plot/format-number.ts';

export const METRIC_NAMES = ['mse', 'rmse', 'mae', 'smape', 'mase'] as const satisfies readonly (keyof Accuracy)[];
export type MetricName = (typeof METRIC_NAMES)[number];

/** Over the folds: mean, sample standard deviation (0 for one fold), lowest and highest; null when a fold has no
 *  value (a MASE without scale). */
export interface Spread {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export type AccuracySpread = Record<MetricName, Spread | null>;

export const FORECASTERS = ['model', 'naive', 'seasonalNaive'] as const;
export type Forecaster = (typeof FORECASTERS)[number];

export interface BacktestSummary {
  folds: number;
  /** The seasonal-naive forecast's period (the smallest any fold used). */
  season: number;
  model: AccuracySpread;
  naive: AccuracySpread;
  seasonalNaive: AccuracySpread;
  /** The data module's verdict, on the folds' mean metrics. */
  verdict: string;
}

export function summarize(evaluations: readonly Evaluation[]): BacktestSummary {
  if (evaluations.length === 0) throw new RangeError('no folds to summarise');
  const spreads = Object.fromEntries(FORECASTERS.map((f) => [f, accuracySpread(evaluations.map((e) => e[f]))])) as Record<Forecaster, AccuracySpread>;
  const season = Math.min(...evaluations.map((e) => e.season));
  const means = FORECASTERS.map((f) => meanAccuracy(spreads[f])) as [Accuracy, Accuracy, Accuracy];
  return { folds: evaluations.length, season, ...spreads, verdict: verdict(...means, season) };
}

function accuracySpread(scores: readonly Accuracy[]): AccuracySpread {
  return Object.fromEntries(METRIC_NAMES.map((m) => [m, spread(scores.map((s) => s[m]))])) as AccuracySpread;
}

export function spread(values: readonly (number | null)[]): Spread | null {
  if (values.length === 0 || values.some((v) => v === null || !Number.isFinite(v))) return null;
  const v = values as number[];
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

function meanAccuracy(s: AccuracySpread): Accuracy {
  return { mse: s.mse?.mean ?? NaN, rmse: s.rmse?.mean ?? NaN, mae: s.mae?.mean ?? NaN, smape: s.smape?.mean ?? NaN, mase: s.mase?.mean ?? null };
}

/** A Markdown table: a row per metric, "mean ± std" for the model and each baseline. */
export function summaryTable(s: BacktestSummary): string {
  const cell = (v: Spread | null) => (v === null ? '-' : `${formatNumber(v.mean)} ± ${formatNumber(v.std)}`);
  const head = ['metric', 'model', 'naive', `seasonal naive (${s.season})`];
  const rows = METRIC_NAMES.map((m) => [m === 'smape' ? 'sMAPE' : m.toUpperCase(), ...FORECASTERS.map((f) => cell(s[f][m]))]);
  return [head, head.map((_, i) => (i ? '---:' : '---')), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n';
}
