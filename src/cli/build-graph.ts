// `ingraph build-graph`: writes model.onnx (initial weights), the training artifacts and manifest.json.
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { RECURRENCE_MODES, type RecurrenceMode } from '../autodiff/registry.ts';
import { LOSS_NAMES, type LossName } from '../graph/losses.ts';
import { forecasterModel, initParameters, LSTM_FORWARDS, type LstmForward, type ModelConfig } from '../graph/model.ts';
import { writeArtifacts } from '../node/artifacts.ts';
import { lockFolder } from '../node/lock.ts';
import { makeOptimizer, OPTIMIZER_NAMES, type OptimizerName } from '../optim/index.ts';
import { UserError } from './errors.ts';
import { intAtLeast, sizeList } from './validate.ts';

interface Args {
  hidden: number; layers: number; window: number; features: number; outputs?: number; horizon?: number; dense: string; seed: number;
  optimizer: OptimizerName; loss: LossName; recurrence: RecurrenceMode; 'lstm-forward': 'auto' | LstmForward; out: string;
}


export const buildGraphCommand: CommandModule<object, Args> = {
  command: 'build-graph',
  describe: 'write model.onnx, the training graphs and manifest.json',
  builder: (y) =>
    y
      .option('hidden', { requiresArg: true, type: 'number', default: 5, describe: 'LSTM hidden size', coerce: intAtLeast('hidden', 1) })
      .option('layers', { requiresArg: true, type: 'number', default: 1, describe: 'stacked LSTM layers', coerce: intAtLeast('layers', 1) })
      .option('window', { requiresArg: true, type: 'number', default: 10, describe: 'time steps per input window', coerce: intAtLeast('window', 1) })
      .option('features', { requiresArg: true, type: 'number', default: 1, describe: 'values per time step', coerce: intAtLeast('features', 1) })
      .option('outputs', { requiresArg: true, type: 'number', describe: 'values predicted per window (default 1)', coerce: intAtLeast('outputs', 1) })
      .option('horizon', { requiresArg: true, type: 'number', describe: 'steps of the target forecast per window: the same as --outputs', coerce: intAtLeast('horizon', 1) })
      .check((a) => {
        if (a.outputs !== undefined && a.horizon !== undefined && a.outputs !== a.horizon) throw new UserError(`--outputs ${a.outputs} and --horizon ${a.horizon} disagree: they are the same setting`);
        return true;
      })
      .option('dense', { requiresArg: true, type: 'string', default: '', describe: 'extra dense layer sizes before the output, e.g. 32,16' })
      .option('seed', { requiresArg: true, type: 'number', default: 0, describe: 'seed of the initial weights', coerce: intAtLeast('seed', 0) })
      .option('loss', { requiresArg: true, choices: LOSS_NAMES, default: 'mse' as const, describe: 'training loss (test MSE is reported either way)' })
      .option('optimizer', { requiresArg: true, choices: OPTIMIZER_NAMES, default: 'adam' as const, describe: 'optimizer of the training graphs' })
      .option('recurrence', { requiresArg: true, choices: RECURRENCE_MODES, default: 'auto' as const, describe: 'LSTM backward: Scan (any window) or unrolled' })
      .option('lstm-forward', { requiresArg: true, choices: ['auto', ...LSTM_FORWARDS] as const, default: 'auto' as const, describe: 'train step\'s LSTM forward: the LSTM op, or unrolled (auto: unrolled up to window 64)' })
      .option('out', { requiresArg: true, type: 'string', default: 'models', describe: 'output folder' })
      .example('$0 build-graph --hidden 32 --window 20 --out models', '')
      .example('$0 build-graph --features 3 --horizon 7 --out models', 'then train --columns a,b,c --target a keeps these settings'),
  handler: (a) => {
    const config: ModelConfig = { hidden: a.hidden, layers: a.layers, window: a.window, features: a.features, outputs: a.horizon ?? a.outputs ?? 1, dense: sizeList('dense')(a.dense)! };
    // The folder a training run may be using: the same lock as train's.
    const lock = lockFolder(a.out);
    let files: string[];
    try {
      ({ files } = writeArtifacts(a.out, {
        model: forecasterModel(config), params: initParameters(config, a.seed), seed: a.seed, optimizer: makeOptimizer(a.optimizer), loss: a.loss, recurrence: a.recurrence,
        lstmForward: a['lstm-forward'] === 'auto' ? undefined : a['lstm-forward'],
      }));
    } finally {
      lock.release();
    }
    process.stdout.write(`wrote ${files.map((f) => join(a.out, f)).join(', ')}\n`);
  },
};
