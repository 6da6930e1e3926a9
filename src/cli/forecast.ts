// `ingraph forecast`: a thin adapter over forecast() — a trained model folder continues a series N steps past its
// end; the forecasts go to a CSV file, their picture beside it.
import { dirname, join } from 'node:path';
import type { CommandModule } from 'yargs';
import { forecast, forecastCsv, forecastPicture, describeMethod } from '../forecast/forecast.ts';
import { writeFileAtomic } from '../node/files.ts';
import { dataFlags, dataSource, type DataArgs } from './data-flags.ts';
import { intAtLeast } from './validate.ts';

interface Args extends DataArgs { model: string; steps: number; out: string; svg?: string; ep: 'cpu' | 'cuda'; device?: number }

export const forecastCommand: CommandModule<object, Args> = {
  command: 'forecast',
  describe: 'forecast a series N steps past its end with a trained model folder (direct up to its horizon, recursive beyond)',
  builder: (y) =>
    dataFlags(y)
      .option('model', { requiresArg: true, type: 'string', default: 'models', describe: 'the trained model\'s folder (model.onnx, manifest.json)' })
      .option('steps', { requiresArg: true, type: 'number', demandOption: true, describe: 'values to forecast past the last row', coerce: intAtLeast('steps', 1) })
      .option('out', { requiresArg: true, type: 'string', default: 'forecast.csv', describe: 'output CSV' })
      .option('svg', { requiresArg: true, type: 'string', describe: 'the picture (default: forecast.svg beside --out)' })
      .option('ep', { requiresArg: true, choices: ['cpu', 'cuda'] as const, default: 'cpu' as const })
      .option('device', { requiresArg: true, type: 'number', coerce: intAtLeast('device', 0) })
      .example('$0 forecast --model models --data co2.csv --steps 24', 'two years of a monthly series'),
  handler: async (a) => {
    const f = await forecast({ model: a.model, data: dataSource(a), steps: a.steps, ep: a.ep, device: a.device });
    const svg = a.svg ?? join(dirname(a.out), 'forecast.svg');
    writeFileAtomic(a.out, forecastCsv(f));
    writeFileAtomic(svg, forecastPicture(f));
    process.stdout.write(`${f.values.length} steps of ${f.series.targetName} past the end of ${f.series.source}: ${describeMethod(f)}\nwrote ${a.out}, ${svg}\n`);
  },
};
