// `ingraph train`: a thin adapter over train() — flags in, progress out, Ctrl-C checkpoints and exits non-zero.
import type { CommandModule } from 'yargs';
import { LOSS_NAMES, type LossName } from '../graph/losses.ts';
import { LSTM_FORWARDS, type LstmForward } from '../graph/model.ts';
import { LOCAL_MODES, type LocalMode } from '../graph/preprocess.ts';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optim/index.ts';
import { LR_SCHEDULES, PRESET_NAMES, type LrSchedule, type PresetName } from '../train/presets.ts';
import { EP_NAMES, type EpName } from '../train/providers.ts';
import { train, type Metrics } from '../train/trainer.ts';
import { commandLine } from '../node/where.ts';
import { dataFlags, dataSource, type DataArgs } from './data-flags.ts';
import { progressPrinter } from './progress.ts';
import { fraction, intAtLeast, positive, sizeList } from './validate.ts';

interface Args extends DataArgs {
  ep: EpName; device?: number; threads?: number; epochs?: number; 'batch-size'?: number; lr?: number; horizon?: number; local?: LocalMode;
  'val-fraction'?: number; patience?: number; 'lr-schedule'?: LrSchedule; season?: number;
  optimizer?: OptimizerName; loss?: LossName; seed?: number; 'steps-per-run'?: number; preset: PresetName; resume: boolean; out: string;
  hidden?: number; layers?: number; window?: number; dense?: string; normalize?: boolean; quiet: boolean; 'eval-every'?: number;
  'checkpoint-seconds'?: number; 'accumulate-grad'?: boolean; 'lstm-forward'?: LstmForward; 'allow-new-data'?: boolean;
}

export const trainCommand: CommandModule<object, Args> = {
  command: 'train',
  describe: 'train the model in the graph (Adam/MSE steps run inside ONNX Runtime)',
  builder: (y) =>
    dataFlags(y)
      .option('ep', { requiresArg: true, choices: EP_NAMES, default: 'cpu' as const, describe: 'execution provider' })
      .option('device', { requiresArg: true, type: 'number', describe: 'CUDA device index', coerce: intAtLeast('device', 0) })
      .option('threads', { requiresArg: true, type: 'number', describe: 'CPU intra-op threads (default 1)', coerce: intAtLeast('threads', 1) })
      .option('preset', { requiresArg: true, choices: PRESET_NAMES, default: 'default' as const, describe: 'settings to start from' })
      .option('epochs', { requiresArg: true, type: 'number', coerce: intAtLeast('epochs', 0) })
      .option('batch-size', { requiresArg: true, type: 'number', coerce: intAtLeast('batch-size', 1) })
      .option('lr', { requiresArg: true, type: 'number', describe: 'learning rate', coerce: positive('lr') })
      .option('loss', { requiresArg: true, choices: LOSS_NAMES, describe: 'training loss (test MSE is reported either way)' })
      .option('optimizer', { requiresArg: true, choices: OPTIMIZER_NAMES })
      .option('seed', { requiresArg: true, type: 'number', coerce: intAtLeast('seed', 0) })
      .option('steps-per-run', { requiresArg: true, type: 'number', describe: 'optimizer steps per session run (in-graph loop)', coerce: intAtLeast('steps-per-run', 1) })
      .option('eval-every', { requiresArg: true, type: 'number', describe: 'epochs between test evaluations', coerce: intAtLeast('eval-every', 1) })
      .option('hidden', { requiresArg: true, type: 'number', coerce: intAtLeast('hidden', 1) })
      .option('layers', { requiresArg: true, type: 'number', coerce: intAtLeast('layers', 1) })
      .option('window', { requiresArg: true, type: 'number', coerce: intAtLeast('window', 1) })
      .option('dense', { requiresArg: true, type: 'string', describe: 'extra dense layer sizes, e.g. 32,16' })
      .option('horizon', { requiresArg: true, type: 'number', describe: 'values of the target forecast per window (direct multi-output)', coerce: intAtLeast('horizon', 1) })
      .option('normalize', { type: 'boolean', describe: 'scale every column inside the graph by constants fitted on the training values (--no-normalize: raw)' })
      .option('local', { requiresArg: true, choices: LOCAL_MODES, describe: 'last: inputs and forecast relative to the window\'s last value (inside the graph); none: levels' })
      .option('val-fraction', { requiresArg: true, type: 'number', describe: 'share of the training rows, at their end, that validates (0: none)', coerce: fraction('val-fraction') })
      .option('patience', { requiresArg: true, type: 'number', describe: 'stop after this many epochs without a better validation loss (0: never)', coerce: intAtLeast('patience', 0) })
      .option('lr-schedule', { requiresArg: true, choices: LR_SCHEDULES, describe: 'constant, cosine over the epochs, or plateau (halve when validation stalls)' })
      .option('season', { requiresArg: true, type: 'number', describe: 'period of the seasonal-naive baseline and the MASE (default: from the date column, else 1)', coerce: intAtLeast('season', 1) })
      .option('checkpoint-seconds', { requiresArg: true, type: 'number', describe: 'seconds between checkpoints (taken at epoch ends; default 5)', coerce: positive('checkpoint-seconds') })
      .option('accumulate-grad', { type: 'boolean', describe: 'never zero the gradients, as the tutorial\'s loop (no zero_grad) does' })
      .option('lstm-forward', { requiresArg: true, choices: LSTM_FORWARDS, describe: 'the train step\'s LSTM forward: the LSTM op or unrolled standard ops (default: as built)' })
      .option('resume', { type: 'boolean', default: false, describe: 'continue from the checkpoint in --out' })
      .option('allow-new-data', { type: 'boolean', describe: 'with --resume: continue on data that differs from the checkpoint\'s (fine-tuning on purpose)' })
      .option('out', { requiresArg: true, type: 'string', default: 'models', describe: 'artifacts folder' })
      .option('quiet', { type: 'boolean', default: false })
      .example('$0 train', 'the default preset on the built-in series')
      .example('$0 train --preset tutorial --ep cuda', 'the tutorial\'s exact settings on the GPU')
      .example('$0 train --data prices.csv --column close --epochs 100', '')
      .example('$0 train --data weather.csv --columns temp_max,temp_min,wind --target temp_max --horizon 7', 'three columns in, the next 7 days of temp_max out'),
  handler: async (a) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const progress = progressPrinter(process.stderr, a.quiet);
    const r = await train({
      out: a.out, preset: a.preset, ep: a.ep, device: a.device, threads: a.threads,
      data: dataSource(a), horizon: a.horizon, local: a.local, valFraction: a['val-fraction'], patience: a.patience, lrSchedule: a['lr-schedule'], season: a.season,
      epochs: a.epochs, batchSize: a['batch-size'], lr: a.lr, optimizer: a.optimizer, loss: a.loss, seed: a.seed, stepsPerRun: a['steps-per-run'],
      evalEvery: a['eval-every'], hidden: a.hidden, layers: a.layers, window: a.window, dense: sizeList('dense')(a.dense), normalize: a.normalize, accumulateGrad: a['accumulate-grad'],
      lstmForward: a['lstm-forward'], resume: a.resume, allowNewData: a['allow-new-data'], checkpointSeconds: a['checkpoint-seconds'], signal: controller.signal,
      onStart: (s) => {
        if (a.quiet) return;
        if (s.note && a.ep === 'auto') process.stderr.write(`${s.note}\n`);
        process.stderr.write(`training on ${s.ep}: ${s.trainRows} train rows, ${s.valRows} validation rows, ${s.testRows} test rows, ${s.stepsPerEpoch} steps/epoch, ${s.stepsPerRun} steps per run${s.startEpoch ? `, resuming at epoch ${s.startEpoch}` : ''}${s.builtArtifacts ? ` (built the artifacts in ${a.out})` : ''}; losses are ${s.settings.loss.toUpperCase()} in the data's units\n`);
      },
      onEpoch: (e) => progress.epoch(e),
    });
    progress.done();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (r.interrupted) {
      process.stderr.write(`interrupted at epoch ${r.metrics.epochs}: checkpoint written to ${a.out}/checkpoint.ckpt; resume with: ${commandLine('train', `--resume --out ${a.out}`)}\n`);
      process.exit(130);
    }
    process.stdout.write(doneLines(r.metrics, a.out));
  },
};

/** What train says at the end; its last line is the verdict on the test rows. */
function doneLines(m: Metrics, out: string): string {
  const g = (v: number) => String(Number(v.toPrecision(4)));
  const stop = m.stopped_early ? `stopped early at epoch ${m.epochs} (no better validation loss for ${m.settings.patience} epochs)` : `${m.epochs} epochs`;
  const kept = m.val_mse !== null ? `, kept epoch ${m.best_epoch} (validation MSE ${g(m.val_mse)})` : '';
  const files = `${out}/model.onnx, metrics.json, train-log.jsonl, checkpoint.ckpt, loss.svg${m.test ? ', forecast.svg' : ''}`;
  const verdict = m.test ? `test: ${m.test.verdict}` : 'no test rows: nothing to judge the model on';
  return [
    `done: ${stop}, ${m.steps} steps in ${m.train_seconds.toFixed(2)} s (${m.ms_per_step.toFixed(3)} ms/step, ${m.steps_per_second} steps/s) on ${m.ep}${kept}; train loss ${g(m.train_loss)}, test MSE ${g(m.test_mse)}`,
    `wrote ${files}`,
    verdict,
  ].join('\n') + '\n';
}
