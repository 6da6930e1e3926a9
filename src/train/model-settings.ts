// The model a run trains, from its settings: which settings a folder's artifacts fix (a build-graph run, or an
// earlier training run), the preprocessing constants fitted on the training values, and the TrainableModel itself.
import type { Manifest } from '../artifacts/manifest.ts';
import { fitNormalizer } from '../data/normalize.ts';
import { forecasterModel, type ModelConfig } from '../graph/model.ts';
import { withPreprocess, type Preprocess } from '../graph/preprocess.ts';
import type { TrainableModel } from '../graph/trainable.ts';
import { TrainError } from './errors.ts';
import type { SeriesData } from './dataset.ts';
import { MODEL_SETTINGS, PRESETS, type PresetName, type TrainSettings } from './presets.ts';

/** What a manifest says of each model setting. */
function builtSettings(m: Manifest): Pick<TrainSettings, (typeof MODEL_SETTINGS)[number]> {
  const c = m.config!;
  return { hidden: c.hidden, layers: c.layers, window: c.window, dense: c.dense, horizon: c.outputs, optimizer: m.optimizer.name, loss: m.loss, seed: m.seed };
}

/**
 * The run's settings: those given, else (for the model's shape, optimizer, loss and seed) what the folder's artifacts
 * were built with, else the preset's. Artifacts written by build-graph (no data yet) are the user's choice: a setting
 * given that contradicts them is refused. An earlier training run's are replaced by what is given.
 */
export function resolveSettings(given: Partial<TrainSettings>, preset: PresetName, built: Manifest | null): TrainSettings {
  // An imported model's manifest has no config: its own settings are checked where the trainer reads it.
  const fromBuilt = built?.config ? builtSettings(built) : {};
  const s = { ...PRESETS[preset], ...fromBuilt } as TrainSettings;
  for (const [k, v] of Object.entries(given) as [keyof TrainSettings, unknown][]) {
    if (v === undefined) continue;
    const was = (fromBuilt as Partial<TrainSettings>)[k];
    if (built?.data === null && was !== undefined && JSON.stringify(was) !== JSON.stringify(v)) {
      throw new TrainError(`the artifacts in this folder were built (build-graph) with ${k} ${JSON.stringify(was)}, not ${JSON.stringify(v)}: drop that setting, or build them again`);
    }
    (s as unknown as Record<string, unknown>)[k] = v;
  }
  return s;
}

/** Refuses data whose column count contradicts artifacts built by build-graph. */
export function checkBuiltFeatures(built: Manifest | null, features: number, names: readonly string[]): void {
  const c = built?.data === null ? built.config : null;
  if (c && c.features !== features) {
    throw new TrainError(`the artifacts in this folder were built (build-graph) for ${c.features} feature${c.features === 1 ? '' : 's'} per step, but the data has ${features} input column${features === 1 ? '' : 's'} (${names.join(', ')}): give ${c.features} with --columns, or build them again`);
  }
}

/** The forecaster's settings; the recurrent cell is build-graph's choice (`built`), LSTM without one. */
export function modelConfig(s: TrainSettings, features: number, built: Manifest | null): ModelConfig {
  const cell = built?.config?.cell;
  return { ...(cell ? { cell } : {}), features, window: s.window, hidden: s.hidden, layers: s.layers, outputs: s.horizon, dense: s.dense };
}

/**
 * The preprocessing constants, fitted on the first `end` values (those the fitting rows see), or null when the
 * settings ask for none. Offsets from the window's last value are scaled by the root mean square of one-step
 * changes (the size of a step's move); levels by the standard deviation; local 'window' scales by each window's own
 * spread and keeps the standard deviation only as the size whose 1/1000 floors it.
 */
export function fitPreprocess(data: SeriesData, end: number, s: Pick<TrainSettings, 'normalize' | 'local'>): Preprocess | null {
  if (!s.normalize && s.local === 'none') return null;
  if (s.local !== 'none' && data.targetIndex === null) {
    const what = s.local === 'last' ? "the change from the target's last value" : "in units of the target's window";
    throw new TrainError(`local "${s.local}" forecasts ${what}, but the target ${data.targetName} is not among the input columns: add it to --columns, or use --local none`);
  }
  const fit = (v: Float64Array): { center: number; scale: number } => {
    const part = v.subarray(0, end);
    if (!s.normalize) return { center: 0, scale: 1 };
    if (s.local === 'window') return { center: 0, scale: fitNormalizer(part).std };
    if (s.local === 'none') {
      const n = fitNormalizer(part);
      return { center: n.mean, scale: n.std };
    }
    let sq = 0;
    for (let i = 1; i < part.length; i++) sq += (part[i]! - part[i - 1]!) ** 2;
    const rms = Math.sqrt(sq / Math.max(1, part.length - 1));
    return { center: 0, scale: rms > 0 && Number.isFinite(rms) ? rms : 1 };
  };
  const cols = data.inputs.map(fit);
  return { local: s.local, center: cols.map((c) => c.center), scale: cols.map((c) => c.scale), target: { index: data.targetIndex, ...fit(data.target) } };
}

export function buildModel(config: ModelConfig, preprocess: Preprocess | null): TrainableModel {
  const m = forecasterModel(config);
  return preprocess ? withPreprocess(m, preprocess) : m;
}
