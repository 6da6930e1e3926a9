// The training settings as flags (TrainSettings keys, and the season of the baselines), shared by the commands that
// train (train, backtest): unset flags keep the preset's value.
import type { Argv } from 'yargs';
import { LOSS_NAMES, type LossName } from '../graph/losses.ts';
import { LOCAL_MODES, type LocalMode } from '../graph/preprocess.ts';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optim/index.ts';
import { LR_SCHEDULES, PRESET_NAMES, type LrSchedule, type PresetName, type TrainSettings } from '../train/presets.ts';
import { fraction, intAtLeast, positive, sizeList } from './validate.ts';

export interface SettingsArgs {
  preset: PresetName; hidden?: number; layers?: number; window?: number; dense?: string; horizon?: number; epochs?: number; 'batch-size'?: number;
  lr?: number; optimizer?: OptimizerName; loss?: LossName; seed?: number; normalize?: boolean; local?: LocalMode; 'val-fraction'?: number;
  patience?: number; 'lr-schedule'?: LrSchedule; season?: number;
}

export function settingsFlags<T>(y: Argv<T>) {
  return y
    .option('preset', { requiresArg: true, choices: PRESET_NAMES, default: 'default' as const, describe: 'settings to start from' })
    .option('epochs', { requiresArg: true, type: 'number', coerce: intAtLeast('epochs', 0) })
    .option('batch-size', { requiresArg: true, type: 'number', coerce: intAtLeast('batch-size', 1) })
    .option('lr', { requiresArg: true, type: 'number', describe: 'learning rate', coerce: positive('lr') })
    .option('loss', { requiresArg: true, choices: LOSS_NAMES, describe: 'training loss (test MSE is reported either way)' })
    .option('optimizer', { requiresArg: true, choices: OPTIMIZER_NAMES })
    .option('seed', { requiresArg: true, type: 'number', coerce: intAtLeast('seed', 0) })
    .option('hidden', { requiresArg: true, type: 'number', coerce: intAtLeast('hidden', 1) })
    .option('layers', { requiresArg: true, type: 'number', coerce: intAtLeast('layers', 1) })
    .option('window', { requiresArg: true, type: 'number', coerce: intAtLeast('window', 1) })
    .option('dense', { requiresArg: true, type: 'string', describe: 'extra dense layer sizes, e.g. 32,16' })
    .option('horizon', { requiresArg: true, type: 'number', describe: 'values of the target forecast per window (direct multi-output)', coerce: intAtLeast('horizon', 1) })
    .option('normalize', { type: 'boolean', describe: 'scale every column inside the graph by constants fitted on the training values (--no-normalize: raw)' })
    .option('local', { requiresArg: true, choices: LOCAL_MODES, describe: 'last: inputs and forecast relative to the window\'s last value; window: each window centred on its mean and scaled by its spread, the forecast scaled back (both inside the graph); none: levels' })
    .option('val-fraction', { requiresArg: true, type: 'number', describe: 'share of the training rows, at their end, that validates (0: none)', coerce: fraction('val-fraction') })
    .option('patience', { requiresArg: true, type: 'number', describe: 'stop after this many epochs without a better validation loss (0: never)', coerce: intAtLeast('patience', 0) })
    .option('lr-schedule', { requiresArg: true, choices: LR_SCHEDULES, describe: 'constant, cosine over the epochs, or plateau (halve when validation stalls)' })
    .option('season', { requiresArg: true, type: 'number', describe: 'period of the seasonal-naive baseline and the MASE (default: from the date column, else 1)', coerce: intAtLeast('season', 1) });
}

/** The settings given on the command line (the rest come from the preset). */
export function settingsOf(a: SettingsArgs): Partial<TrainSettings> {
  const s: Partial<TrainSettings> = {
    hidden: a.hidden, layers: a.layers, window: a.window, dense: sizeList('dense')(a.dense), horizon: a.horizon, epochs: a.epochs, batchSize: a['batch-size'],
    lr: a.lr, optimizer: a.optimizer, loss: a.loss, seed: a.seed, normalize: a.normalize, local: a.local, valFraction: a['val-fraction'],
    patience: a.patience, lrSchedule: a['lr-schedule'],
  };
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
}
