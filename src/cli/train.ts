// `ingraph train`: a thin adapter over train() — flags in, progress out, Ctrl-C checkpoints and exits non-zero.
import type { CommandModule } from 'yargs';
import { LSTM_FORWARDS, type LstmForward } from '../graph/model.ts';
import { EP_NAMES, type EpName, type Threads } from '../train/providers.ts';
import { train, type Metrics } from '../train/trainer.ts';
import { commandLine } from '../node/where.ts';
import { dataFlags, dataSource, type DataArgs } from './data-flags.ts';
import { progressPrinter } from './progress.ts';
import { settingsFlags, settingsOf, type SettingsArgs } from './settings-flags.ts';
import { countOrAuto, intAtLeast, positive } from './validate.ts';

interface Args extends DataArgs, SettingsArgs {
  ep: EpName; device?: number; threads?: Threads; 'steps-per-run'?: number; resume: boolean; out: string; quiet: boolean; 'eval-every'?: number;
  'checkpoint-seconds'?: number; 'accumulate-grad'?: boolean; 'lstm-forward'?: LstmForward; 'allow-new-data'?: boolean;
}

export const trainCommand: CommandModule<object, Args> = {
  command: 'train',
  describe: 'train the model in the graph (Adam/MSE steps run inside ONNX Runtime)',
  builder: (y) =>
    settingsFlags(dataFlags(y))
      .option('ep', { requiresArg: true, choices: EP_NAMES, default: 'cpu' as const, describe: 'execution provider' })
      .option('device', { requiresArg: true, type: 'number', describe: 'CUDA device index', coerce: intAtLeast('device', 0) })
      .option('threads', { requiresArg: true, type: 'string', describe: 'CPU intra-op threads, or auto: 1 for small models, more for large ones (default 1)', coerce: countOrAuto('threads') })
      .option('steps-per-run', { requiresArg: true, type: 'number', describe: 'optimizer steps per session run (in-graph loop)', coerce: intAtLeast('steps-per-run', 1) })
      .option('eval-every', { requiresArg: true, type: 'number', describe: 'epochs between test evaluations', coerce: intAtLeast('eval-every', 1) })
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
      data: dataSource(a), ...settingsOf(a), season: a.season, stepsPerRun: a['steps-per-run'], evalEvery: a['eval-every'], accumulateGrad: a['accumulate-grad'],
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
