// A model's forecasts scored beside the naive and seasonal-naive forecasts at the very same test points, with a
// one-line verdict that says whether the model earns its keep.

import { accuracy, maseScale, type Accuracy } from './accuracy.ts';
import { actualValues, naiveForecast, seasonalNaiveForecast } from './baselines.ts';

export interface EvaluationInput {
  /** The whole series in the data's units: what origins index into. */
  series: ArrayLike<number>;
  /** Per test point, the index of the last value its forecast may see. */
  origins: ArrayLike<number>;
  /** Steps forecast from each origin. */
  horizon: number;
  /** The model's forecasts, [points, horizon] row-major. */
  forecast: ArrayLike<number>;
  /** m for the seasonal-naive forecast and the MASE scale; 1 makes both naive. */
  season: number;
  /** Values [0, trainEnd) are the training part, whose seasonal-naive MAE scales the MASE. */
  trainEnd: number;
  /** What the verdict suggests when the model does not win; default: differencing, a smaller learning rate or
   *  more data. */
  advice?: string;
}

export interface Evaluation {
  points: number;
  horizon: number;
  season: number;
  model: Accuracy;
  naive: Accuracy;
  seasonalNaive: Accuracy;
  /** "MASE 0.71: 29% better than seasonal naive (MAE 1.23 vs 1.73)", or "… worse than naive (…): try …". */
  verdict: string;
}

const ADVICE = 'try differencing, a smaller learning rate or more data';
/** Relative MAE differences smaller than this are a draw. */
const LEVEL = 0.005;

export function evaluateForecast(input: EvaluationInput): Evaluation {
  const { series, origins, horizon, season } = input;
  const actual = actualValues(series, origins, horizon);
  const scale = maseScale(series, season, input.trainEnd);
  const model = accuracy(actual, input.forecast, scale);
  const naive = accuracy(actual, naiveForecast(series, origins, horizon), scale);
  const seasonalNaive = accuracy(actual, seasonalNaiveForecast(series, origins, horizon, season), scale);
  return { points: origins.length, horizon, season, model, naive, seasonalNaive, verdict: verdict(model, naive, seasonalNaive, season, input.advice) };
}

/** The model's MAE against the better of the two baselines' (naive on a tie, and whenever season is 1). */
export function verdict(model: Accuracy, naive: Accuracy, seasonalNaive: Accuracy, season: number, advice = ADVICE): string {
  const seasonal = season > 1 && seasonalNaive.mae < naive.mae;
  const base = seasonal ? seasonalNaive.mae : naive.mae;
  const name = seasonal ? 'seasonal naive' : 'naive';
  const lead = model.mase === null ? '' : `MASE ${fmt(model.mase)}: `;
  const maes = `(MAE ${fmt(model.mae)} vs ${fmt(base)})`;
  const gain = base > 0 ? 1 - model.mae / base : model.mae > 0 ? -Infinity : 0;
  if (Math.abs(gain) < LEVEL) return `${lead}level with ${name} ${maes}: ${advice}`;
  const percent = Number.isFinite(gain) ? `${Math.round(Math.abs(gain) * 100)}% ` : '';
  return gain > 0 ? `${lead}${percent}better than ${name} ${maes}` : `${lead}${percent}worse than ${name} ${maes}: ${advice}`;
}

/** Three significant digits, without trailing zeros. */
function fmt(v: number): string {
  return String(Number(v.toPrecision(3)));
}
