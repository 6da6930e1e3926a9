// `ingraph backtest`: a thin adapter over backtest() — rolling-origin folds, each an ordinary train run in its own
// folder; the table of each metric's mean ± spread beside the baselines on stdout, backtest.json in --out.
import type { CommandModule } from 'yargs';
import { backtest } from '../backtest/backtest.ts';
import { summaryTable } from '../backtest/summary.ts';
import { EP_NAMES, type EpName } from '../train/providers.ts';
import { dataFlags, dataSource, type DataArgs } from './data-flags.ts';
import { settingsFlags, settingsOf, type SettingsArgs } from './settings-flags.ts';
import { intAtLeast, positive } from './validate.ts';

interface Args extends DataArgs, SettingsArgs {
  folds: number; 'test-size'?: number; out: string; ep: EpName; threads?: number; 'checkpoint-seconds'?: number; quiet: boolean;
}

export const backtestCommand: CommandModule<object, Args> = {
  command: 'backtest',
  describe: 'rolling-origin backtest: train on the past, test on the next block, K times; each metric\'s mean and spread beside the baselines',
  builder: (y) =>
    settingsFlags(dataFlags(y))
      .option('folds', { requiresArg: true, type: 'number', default: 5, describe: 'folds (test blocks, the last ending at the last row)', coerce: intAtLeast('folds', 1) })
      .option('test-size', { requiresArg: true, type: 'number', describe: 'window rows per test block (default: the second half of the rows shared by the folds)', coerce: intAtLeast('test-size', 1) })
      .option('out', { requiresArg: true, type: 'string', default: 'backtest', describe: 'folder for the folds (fold-1 …) and backtest.json; a rerun skips finished folds' })
      .option('ep', { requiresArg: true, choices: EP_NAMES, default: 'cpu' as const, describe: 'execution provider' })
      .option('threads', { requiresArg: true, type: 'number', describe: 'CPU intra-op threads (default 1)', coerce: intAtLeast('threads', 1) })
      .option('checkpoint-seconds', { requiresArg: true, type: 'number', describe: 'seconds between a fold\'s checkpoints (default 5)', coerce: positive('checkpoint-seconds') })
      .option('quiet', { type: 'boolean', default: false })
      .example('$0 backtest --data co2.csv --column CO2 --folds 5', ''),
  handler: async (a) => {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const r = await backtest({
      out: a.out, data: dataSource(a), folds: a.folds, testSize: a['test-size'], preset: a.preset, ...settingsOf(a), season: a.season, ep: a.ep,
      threads: a.threads, checkpointSeconds: a['checkpoint-seconds'], signal: controller.signal,
      onFold: (f) => {
        if (a.quiet) return;
        const what = f.state === 'done' ? 'finished before' : f.state === 'resume' ? 'resuming from its checkpoint' : 'training';
        process.stderr.write(`fold ${f.fold}/${f.folds}: train rows [${f.split.train.join(', ')}), test rows [${f.split.test.join(', ')}): ${what}\n`);
      },
    });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (r.interrupted) {
      process.stderr.write(`interrupted: the finished folds and a checkpoint are kept in ${a.out}; run the same command again to continue\n`);
      process.exit(130);
    }
    const s = r.report.summary;
    process.stdout.write(`\n${r.report.data.target}, ${s.folds} folds (mean ± standard deviation over the folds, test rows in the data's units):\n\n${summaryTable(s)}\n${s.verdict}\nwrote ${a.out}/backtest.json\n`);
  },
};
