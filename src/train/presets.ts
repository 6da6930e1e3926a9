// Named sets of training settings. `tutorial` is WORKLOAD.md's exactly (with zero_grad, i.e. fresh gradients
// every step); `default` trains the same model to a good forecaster in seconds.
import type { LossName } from '../graph/losses.ts';
import type { OptimizerName } from '../optim/optimizer.ts';

export interface TrainSettings {
  hidden: number;
  layers: number;
  window: number;
  dense: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  seed: number;
  normalize: boolean;
  /** The training loss; test_mse is reported as MSE whatever it is. */
  loss: LossName;
  /** Never zero the gradients (the tutorial's loop as written, without optimizer.zero_grad()). */
  accumulateGrad: boolean;
}

export const PRESETS = {
  tutorial: { hidden: 5, layers: 1, window: 10, dense: [], epochs: 1500, batchSize: 256, lr: 1e-4, optimizer: 'adam', seed: 0, normalize: false, loss: 'mse', accumulateGrad: false },
  default: { hidden: 5, layers: 1, window: 10, dense: [], epochs: 200, batchSize: 32, lr: 1e-2, optimizer: 'adam', seed: 0, normalize: false, loss: 'mse', accumulateGrad: false },
} satisfies Record<string, TrainSettings>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
