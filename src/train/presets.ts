// Named sets of training settings. `tutorial` is WORKLOAD.md's exactly (with zero_grad, i.e. fresh gradients
// every step, and no preprocessing); `default` trains a small forecaster that beats the naive forecasts on real
// series: inputs and output relative to the window's last value, scaled, a validation split with early stopping
// and the best epoch kept.
import type { LossName } from '../graph/losses.ts';
import type { LocalMode } from '../graph/preprocess.ts';
import type { OptimizerName } from '../optim/optimizer.ts';

export const LR_SCHEDULES = ['constant', 'cosine', 'plateau'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

export interface TrainSettings {
  hidden: number;
  layers: number;
  window: number;
  dense: number[];
  /** Values of the target forecast per window (the model's outputs). */
  horizon: number;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  seed: number;
  /** Scale every column inside the graph by constants fitted on the training values. */
  normalize: boolean;
  /** Make each window local inside the graph (see src/graph/preprocess.ts). */
  local: LocalMode;
  /** The training loss, on the model's output in the data's units; test_mse is reported as MSE whatever it is. */
  loss: LossName;
  /** Never zero the gradients (the tutorial's loop as written, without optimizer.zero_grad()). */
  accumulateGrad: boolean;
  /** Share of the training rows, at their end, held out to validate each evaluation (0: none). */
  valFraction: number;
  /** Stop after this many epochs without a better validation loss (0: never). */
  patience: number;
  lrSchedule: LrSchedule;
}

/** The settings that shape the model, kept from a folder's artifacts unless given. */
export const MODEL_SETTINGS = ['hidden', 'layers', 'window', 'dense', 'horizon', 'optimizer', 'loss', 'seed'] as const satisfies readonly (keyof TrainSettings)[];

export const PRESETS = {
  tutorial: {
    hidden: 5, layers: 1, window: 10, dense: [], horizon: 1, epochs: 1500, batchSize: 256, lr: 1e-4, optimizer: 'adam', seed: 0, normalize: false, local: 'none',
    loss: 'mse', accumulateGrad: false, valFraction: 0, patience: 0, lrSchedule: 'constant',
  },
  default: {
    hidden: 16, layers: 1, window: 24, dense: [], horizon: 1, epochs: 200, batchSize: 32, lr: 3e-3, optimizer: 'adam', seed: 0, normalize: true, local: 'last',
    loss: 'mse', accumulateGrad: false, valFraction: 0.15, patience: 40, lrSchedule: 'plateau',
  },
} satisfies Record<string, TrainSettings>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
