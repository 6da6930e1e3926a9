// `ingraph sweep`: a thin adapter over runSweep() — flags in, progress on stderr, the leaderboard out.
import type { CommandModule } from 'yargs';
import { leaderboardMarkdown, METRICS, type Metric } from '../sweep/leaderboard.ts';
import type { SweepProgress } from '../sweep/progress.ts';
import { csvOptions, csvReadOptions, printWarning, type CsvArgs } from './csv-options.ts';
import { UserError } from './errors.ts';
import { settingsFlags, settingsOf, type SettingsArgs } from './settings-flags.ts';
import { column, intAtLeast, positive } from './validate.ts';

interface Args extends CsvArgs, SettingsArgs {
  data: string; column?: string; group?: string; grid: string; folds?: number; out: string; workers?: number; queue?: string; metric: Metric;
  'checkpoint-seconds'?: number; 'lock-seconds'?: number; quiet: boolean;
}

export const sweepCommand: CommandModule<object, Args> = {
  command: 'sweep',
  describe: 'train one model per grid point and per series (a long-format CSV\'s --group), in worker threads or on a BullMQ queue; writes a leaderboard',
  builder: (y) =>
    settingsFlags(csvOptions(y))
      .option('data', { requiresArg: true, type: 'string', demandOption: true, describe: 'CSV file: one series, or many in long format with --group' })
      .option('column', { requiresArg: true, type: 'string', describe: 'value column, by header name or 0-based index (default: the first numeric column that is not the date column)' })
      .option('group', { requiresArg: true, type: 'string', describe: 'long format: the column naming each row\'s series (one model per series)' })
      .option('grid', { requiresArg: true, type: 'string', default: '', describe: 'settings to try, e.g. "hidden=5,16,32 lr=1e-2,1e-3 window=12,24"' })
      .option('folds', { requiresArg: true, type: 'number', describe: 'score each grid point by a rolling-origin backtest of K folds (the mean) instead of one train run', coerce: intAtLeast('folds', 1) })
      .option('out', { requiresArg: true, type: 'string', default: 'sweep', describe: 'folder for the jobs and the leaderboard (shared by every worker)' })
      .option('workers', { requiresArg: true, type: 'number', describe: 'worker threads in this process (default: the cores)', coerce: intAtLeast('workers', 1) })
      .option('queue', { requiresArg: true, type: 'string', describe: 'redis://HOST:PORT: queue the jobs for `ingraph worker` processes instead' })
      .option('metric', { requiresArg: true, choices: METRICS, default: 'test_mse' as Metric, describe: 'what the leaderboard ranks by' })
      .option('checkpoint-seconds', { requiresArg: true, type: 'number', describe: 'seconds between a job\'s checkpoints (default 5)', coerce: positive('checkpoint-seconds') })
      .option('lock-seconds', { requiresArg: true, type: 'number', describe: 'with --queue: the workers\' --lock-seconds (a job Redis lost is queued again after this)', coerce: positive('lock-seconds') })
      .option('quiet', { type: 'boolean', default: false })
      .check((a) => {
        if (a.workers !== undefined && a.queue !== undefined) throw new UserError('--workers is for this process\'s threads; with --queue, start `ingraph worker` processes');
        return true;
      })
      .example('$0 sweep --data prices.csv --column close --grid "hidden=5,16 lr=1e-2,1e-3"', '')
      .example('$0 sweep --data stocks.csv --group symbol --column price --epochs 50 --queue redis://127.0.0.1:6379', ''),
  handler: async (a) => {
    const show = progressLine(process.stderr, a.quiet);
    // Loaded when a sweep runs: the queue client (BullMQ, ioredis) is not every command's cost.
    const { runSweep } = await import('../sweep/sweep.ts');
    const r = await runSweep({
      out: a.out, data: a.data, column: column(a.column), group: a.group, csv: csvReadOptions(a), onWarning: printWarning, grid: a.grid, folds: a.folds, metric: a.metric, checkpointSeconds: a['checkpoint-seconds'],
      preset: a.preset, base: settingsOf(a), season: a.season,
      backend: a.queue ? { kind: 'queue', url: a.queue, lockMs: a['lock-seconds'] && a['lock-seconds'] * 1000 } : { kind: 'pool', workers: a.workers },
      onPlan: (p) => {
        if (!a.quiet) process.stderr.write(`${p.jobs} jobs over ${p.series} series${a.folds ? `, each a backtest of ${a.folds} folds` : ''}; ${p.todo} to run${p.todo < p.jobs ? ` (${p.jobs - p.todo} finished before)` : ''}${a.queue ? ` on ${a.queue}` : ''}\n`);
      },
      onProgress: show,
    });
    show(null);
    const rows = r.board.rows;
    const failed = rows.filter((x) => x.status === 'failed');
    if (!a.quiet) process.stdout.write(`\n${leaderboardMarkdown(r.board)}\n`);
    process.stdout.write(`done: ${rows.length - failed.length} of ${rows.length} jobs finished, ${failed.length} failed; ${r.run.ran} trained now in ${r.run.seconds.toFixed(1)} s (${r.run.jobs_per_second} jobs/s)\nwrote ${r.files.join(', ')}\n`);
    for (const f of failed) process.stderr.write(`failed: ${f.series} ${f.job}: ${f.reason}\n`);
  },
};

/** One progress line, redrawn in place on a terminal, printed when a job finishes otherwise; null ends it. */
function progressLine(stream: NodeJS.WriteStream, quiet: boolean): (p: SweepProgress | null) => void {
  let last = '';
  let finished = -1;
  return (p) => {
    if (quiet) return;
    if (p === null) {
      if (stream.isTTY && last) stream.write('\n');
      return;
    }
    const text = `jobs ${p.done + p.failed}/${p.total}: ${p.done} done, ${p.running} running, ${p.failed} failed${p.eta === null ? '' : `, ETA ${p.eta.toFixed(0)} s`}`;
    if (stream.isTTY) {
      if (text !== last) stream.write(`\r${text}\x1b[K`);
    } else if (p.done + p.failed !== finished) {
      stream.write(`${text}\n`);
    }
    last = text;
    finished = p.done + p.failed;
  };
}
