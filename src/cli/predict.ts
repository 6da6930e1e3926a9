// `ingraph predict`: one forecast per window of a series, written as CSV (row i forecasts values i+window on, one
// CSV column per step when the model forecasts several).
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../node/files.ts';
import { loadSeries } from '../train/dataset.ts';
import { predictSeries, type Predictions } from '../train/predict.ts';
import { dataFlags, dataSource, type DataArgs } from './data-flags.ts';
import { intAtLeast } from './validate.ts';

interface Args extends DataArgs { model: string; window?: number; ep: 'cpu' | 'cuda'; device?: number; out?: string; seed: number }

export const predictCommand: CommandModule<object, Args> = {
  command: 'predict',
  describe: 'run an ONNX forecaster on every window of a series',
  builder: (y) =>
    dataFlags(y)
      .option('model', { requiresArg: true, type: 'string', default: 'models/model.onnx', describe: 'ONNX model: input [batch, window, features], one output' })
      .option('window', { requiresArg: true, type: 'number', describe: 'window length, when the model does not fix it', coerce: intAtLeast('window', 1) })
      .option('ep', { requiresArg: true, choices: ['cpu', 'cuda'] as const, default: 'cpu' as const })
      .option('device', { requiresArg: true, type: 'number', coerce: intAtLeast('device', 0) })
      .option('seed', { requiresArg: true, type: 'number', default: 0, describe: 'seed of the built-in series', coerce: intAtLeast('seed', 0) })
      .option('out', { requiresArg: true, type: 'string', describe: 'output CSV (default: stdout)' })
      .example('$0 predict --model models/model.onnx --data series.csv --column value --out preds.csv', '')
      .example('$0 predict --model models/model.onnx --data weather.csv --columns temp_max,temp_min,wind', 'the columns the model was trained on, in that order'),
  handler: async (a) => {
    const { inputs } = await loadSeries(dataSource(a), a.seed);
    const r = await predictSeries(a.model, inputs, { window: a.window, ep: a.ep, device: a.device });
    if (a.out) {
      writeFileAtomic(a.out, csvChunks(r));
      process.stderr.write(`wrote ${r.count} predictions (window ${r.window}) to ${a.out}\n`);
    } else for (const chunk of csvChunks(r)) process.stdout.write(chunk);
  },
};

/** The predictions as CSV text, a block of rows at a time: millions of rows never become one string. */
function* csvChunks(r: Predictions, rowsPerChunk = 16384): Generator<string> {
  // One column per step ahead: prediction_h forecasts value target_row + h - 1.
  const head = r.outputs === 1 ? 'prediction' : Array.from({ length: r.outputs }, (_, k) => `prediction_${k + 1}`).join(',');
  yield `row,target_row,${head}\n`;
  for (let first = 0; first < r.count; first += rowsPerChunk) {
    let text = '';
    for (let i = first; i < Math.min(first + rowsPerChunk, r.count); i++) {
      text += `${i},${i + r.window},${r.predictions.subarray(i * r.outputs, (i + 1) * r.outputs).join(',')}\n`;
    }
    yield text;
  }
}
