// The training settings as flags (each one a TrainSettings key), shared by the commands that train: unset flags
// keep the preset's value.
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
    .option('hidden', { requiresArg: true, type: 'number', coerce: intAtLeast('hidden', 1) })
    .option('layers', { requiresArg: true, type: 'number', coerce: intAtLeast('layers', 1) })
    .option('window', { requiresArg: true, type: 'number', coerce: intAtLeast('window', 1) })
    .option('dense', { requiresArg: true, type: 'string', describe: 'extra dense layer sizes, e.g. 32,16' })
    .option('horizon', { requiresArg: true, type: 'number', describe: 'values of the target forecast per window', coerce: intAtLeast('horizon', 1) })
    .option('epochs', { requiresArg: true, type: 'number', coerce: intAtLeast('epochs', 1) })
    .option('batch-size', { requiresArg: true, type: 'number', coerce: intAtLeast('batch-size', 1) })
    .option('lr', { requiresArg: true, type: 'number', describe: 'learning rate', coerce: positive('lr') })
    .option('optimizer', { requiresArg: true, choices: OPTIMIZER_NAMES })
    .option('loss', { requiresArg: true, choices: LOSS_NAMES, describe: 'training loss (the metrics are reported either way)' })
    .option('seed', { requiresArg: true, type: 'number', coerce: intAtLeast('seed', 0) })
    .option('normalize', { type: 'boolean', describe: 'scale each column inside the graph (fitted on the training values)' })
    .option('local', { requiresArg: true, choices: LOCAL_MODES, describe: 'last: inputs and output relative to the window\'s last value; none: levels' })
    .option('val-fraction', { requiresArg: true, type: 'number', describe: 'share of the training rows held out at their end for validation (0: none)', coerce: fraction('val-fraction') })
    .option('patience', { requiresArg: true, type: 'number', describe: 'stop after this many epochs without a better validation loss (0: never)', coerce: intAtLeast('patience', 0) })
    .option('lr-schedule', { requiresArg: true, choices: LR_SCHEDULES })
    .option('season', { requiresArg: true, type: 'number', describe: 'the seasonal-naive forecast\'s period (default: from the date column\'s frequency, else 1)', coerce: intAtLeast('season', 1) });
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
