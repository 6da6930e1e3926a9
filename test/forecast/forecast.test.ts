// forecast: past the end of a series with a trained model folder — direct up to the horizon, recursive beyond —
// checked against model.onnx run directly by hand, and the command's one-line refusals.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { forecast, forecastCsv } from '../../src/forecast/forecast.ts';
import { train } from '../../src/train/trainer.ts';
import { tempDirs } from '../helpers/tmp.ts';

const tmp = tempDirs('ingraph-forecast');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/ingraph.ts', ...args], { encoding: 'utf8' });

const WINDOW = 6;
/** A monthly series with a trend and a yearly cycle, and a second column that leads it. */
function writeSeries(dir: string): string {
  const file = join(dir, 'series.csv');
  const rows = Array.from({ length: 96 }, (_, i) => {
    const date = new Date(Date.UTC(2010, i, 1)).toISOString().slice(0, 10);
    return `${date},${(10 + 0.05 * i + Math.sin((2 * Math.PI * i) / 12)).toFixed(4)},${Math.cos((2 * Math.PI * i) / 12).toFixed(4)}`;
  });
  writeFileSync(file, `date,a,b\n${rows.join('\n')}\n`);
  return file;
}

async function trained(file: string, o: { horizon: number; columns?: string[] }): Promise<string> {
  const out = tmp();
  await train({ out, data: { file, columns: o.columns ?? ['a'], target: 'a' }, window: WINDOW, horizon: o.horizon, hidden: 3, epochs: 4 });
  return out;
}

/** model.onnx itself on one window [window, features] → its outputs. */
async function runModel(dir: string, window: number[][]): Promise<number[]> {
  const s = await ort.InferenceSession.create(join(dir, 'model.onnx'));
  try {
    const x = new ort.Tensor('float32', Float32Array.from(window.flat()), [1, window.length, window[0]!.length]);
    const r = await s.run({ [s.inputNames[0]!]: x });
    return Array.from(r[s.outputNames[0]!]!.data as Float32Array);
  } finally {
    await s.release();
  }
}

const column = (file: string, k: number) => readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[k]));

test('forecast within the horizon: one run of model.onnx on the last window, the dates continuing the series', async () => {
  const file = writeSeries(tmp());
  const dir = await trained(file, { horizon: 3 });
  const f = await forecast({ model: dir, data: { file }, steps: 3 });
  assert.equal(f.method, 'direct');
  assert.equal(f.runs, 1);
  const a = column(file, 1).map(Math.fround);
  assert.deepEqual(Array.from(f.values), await runModel(dir, a.slice(-WINDOW).map((v) => [v])));
  const csv = forecastCsv(f).trim().split('\n');
  assert.deepEqual(csv.map((l) => l.split(',').filter((_, i) => i !== 2)), [['step', 'date', 'method'], ['1', '2018-01-01', 'direct'], ['2', '2018-02-01', 'direct'], ['3', '2018-03-01', 'direct']]);
});

test('forecast past the horizon feeds the model its own forecasts: equal to running model.onnx step by step by hand', async () => {
  const file = writeSeries(tmp());
  for (const horizon of [1, 2]) {
    const dir = await trained(file, { horizon });
    const steps = 5;
    const f = await forecast({ model: dir, data: { file }, steps });
    assert.equal(f.method, 'recursive');
    const seen = column(file, 1).map(Math.fround);
    const want: number[] = [];
    while (want.length < steps) {
      const y = await runModel(dir, seen.slice(-WINDOW).map((v) => [v]));
      assert.equal(y.length, horizon);
      const take = y.slice(0, steps - want.length);
      want.push(...take);
      seen.push(...take);
    }
    assert.deepEqual(Array.from(f.values), want, `horizon ${horizon}`);
    assert.equal(f.runs, Math.ceil(steps / horizon));
    const methods = forecastCsv(f).trim().split('\n').slice(1).map((l) => l.split(',').at(-1));
    assert.deepEqual(methods, Array.from({ length: steps }, (_, i) => (i < horizon ? 'direct' : 'recursive')));
  }
});

test('a model of several columns forecasts up to its horizon, and refuses to go past it in one line', async () => {
  const file = writeSeries(tmp());
  const dir = await trained(file, { horizon: 2, columns: ['a', 'b'] });
  const f = await forecast({ model: dir, data: { file }, steps: 2 });
  const [a, b] = [column(file, 1), column(file, 2)].map((c) => c.map(Math.fround));
  const last = a.slice(-WINDOW).map((v, t) => [v, b!.at(t - WINDOW)!]);
  assert.deepEqual(Array.from(f.values), await runModel(dir, last));
  await assert.rejects(forecast({ model: dir, data: { file }, steps: 3 }), {
    name: 'ForecastError',
    message: "--steps 3 goes past the model's horizon of 2: forecasting further would need future values of b, which the model does not forecast; use --steps 2 or less (or train with --horizon 3)",
  });
});

test('forecast command: CSV and picture written; --steps 0 and a folder without model.onnx refused in one line', async () => {
  const root = tmp();
  const file = writeSeries(root);
  const dir = await trained(file, { horizon: 1 });
  const out = join(root, 'out', 'f.csv');
  mkdirSync(join(root, 'out'));
  const ok = cli('forecast', '--model', dir, '--data', file, '--steps', '4', '--out', out);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^4 steps of a past the end of .*series\.csv: step 1 direct, 2–4 recursive \(4 runs, each fed the forecasts before it\)\n/);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 5);
  assert.match(readFileSync(join(root, 'out', 'forecast.svg'), 'utf8'), /<svg /);

  const zero = cli('forecast', '--model', dir, '--data', file, '--steps', '0', '--out', out);
  assert.equal(zero.status, 1);
  assert.equal(zero.stderr, 'error: --steps must be a whole number ≥ 1, got 0\n');
  const empty = tmp();
  const none = cli('forecast', '--model', empty, '--data', file, '--steps', '2', '--out', out);
  assert.equal(none.status, 1);
  assert.equal(none.stderr, `error: --model ${empty}: the folder has no model.onnx (train writes it)\n`);
});
