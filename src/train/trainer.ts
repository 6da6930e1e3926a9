// The Node trainer: runs train_step.onnx (K optimizer steps per run, parameters and optimizer state kept as flat
// tensors that go straight from one run's outputs to the next run's inputs), evaluates the test split each epoch,
// checkpoints atomically, and writes the trained model.onnx, metrics.json and train-log.jsonl.
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CheckpointError } from '../artifacts/checkpoint.ts';
import { inferenceGraph } from '../artifacts/inference.ts';
import { FILES } from '../artifacts/manifest.ts';
import { flatLayout } from '../artifacts/train-step.ts';
import { epochBatches } from '../data/batches.ts';
import { Rng } from '../data/rng.ts';
import { initParameters, type LstmForward, type ModelConfig } from '../graph/model.ts';
import { writeFileAtomic } from '../node/files.ts';
import { lockFolder } from '../node/lock.ts';
import { serializeModel } from '../onnx/serialize.ts';
import { Tensor } from '../onnx/tensor.ts';
import { ensureArtifacts } from './artifacts-dir.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import { gatherRows, loadSeries, prepareDataset, type DataSource } from './dataset.ts';
import { TrainError } from './errors.ts';
import { evalFeeds, evaluate } from './evaluate.ts';
import { PRESETS, type PresetName, type TrainSettings } from './presets.ts';
import { createSession, resolveEp, type EpName } from './providers.ts';
import { appendLog, truncateLog } from './train-log.ts';

export interface TrainOptions extends Partial<TrainSettings> {
  out: string;
  preset?: PresetName;
  ep?: EpName;
  device?: number;
  threads?: number;
  data?: DataSource | null;
  /** Optimizer steps per session run (the in-graph loop's length); default: one epoch per run. */
  stepsPerRun?: number;
  resume?: boolean;
  /** Evaluate the test split every this many epochs (and at the last); default: about 100 evaluations a run. */
  evalEvery?: number;
  /** Seconds between checkpoints (taken at epoch ends); the last epoch always checkpoints. */
  checkpointSeconds?: number;
  /** The train step's LSTM forward form (the LSTM op, or unrolled standard ops); default: the artifacts' own. */
  lstmForward?: LstmForward;
  /** Aborting stops at the next run boundary with a checkpoint (Ctrl-C). */
  signal?: AbortSignal;
  onStart?: (info: StartInfo) => void;
  onEpoch?: (e: EpochReport) => void;
}

export interface StartInfo {
  ep: 'cpu' | 'cuda';
  note: string;
  settings: TrainSettings;
  trainRows: number;
  testRows: number;
  stepsPerEpoch: number;
  stepsPerRun: number;
  startEpoch: number;
  builtArtifacts: boolean;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  trainLoss: number;
  testLoss: number | null;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
}

export interface Metrics {
  train_loss: number;
  test_mse: number;
  epochs: number;
  steps: number;
  train_seconds: number;
  ms_per_step: number;
  steps_per_second: number;
  ep: string;
  preset: string;
  settings: TrainSettings;
  data: string;
}

export interface TrainResult {
  metrics: Metrics;
  interrupted: boolean;
  params: Map<string, Float32Array>;
}


type Feeds = Record<string, ort.Tensor>;

/** Bound on the input values one run copies in (x of K batches): 16M floats, 64 MB. */
const MAX_RUN_VALUES = 1 << 24;

/** Trains into `opts.out`, holding its lock throughout: a second run into the same folder is refused. */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const lock = lockFolder(opts.out);
  try {
    return await trainLocked(opts);
  } finally {
    lock.release();
  }
}

async function trainLocked(opts: TrainOptions): Promise<TrainResult> {
  const preset = opts.preset ?? 'default';
  const pick = <K extends keyof TrainSettings>(k: K): TrainSettings[K] => (opts[k] ?? PRESETS[preset][k]) as TrainSettings[K];
  let settings: TrainSettings = {
    hidden: pick('hidden'), layers: pick('layers'), window: pick('window'), dense: pick('dense'), epochs: pick('epochs'),
    batchSize: pick('batchSize'), lr: pick('lr'), optimizer: pick('optimizer'), seed: pick('seed'), normalize: pick('normalize'), loss: pick('loss'),
    accumulateGrad: pick('accumulateGrad'),
  };
  const ckptPath = join(opts.out, FILES.checkpoint);
  const resumed = opts.resume ? readCheckpoint(ckptPath) : null;
  if (resumed) {
    // A resumed run continues with the settings it started with; only the epoch count may grow.
    const saved = resumed.extra.settings as TrainSettings;
    const clash = (Object.keys(saved) as (keyof TrainSettings)[]).find((k) => k !== 'epochs' && opts[k] !== undefined && JSON.stringify(opts[k]) !== JSON.stringify(saved[k]));
    if (clash) {
      throw new TrainError(`--resume: the checkpoint was trained with ${clash} ${JSON.stringify(saved[clash])}, not ${JSON.stringify(opts[clash])}; drop that flag to resume, or train without --resume`);
    }
    settings = { ...saved, epochs: opts.epochs ?? saved.epochs };
  }
  const config: ModelConfig = { features: 1, outputs: 1, window: settings.window, hidden: settings.hidden, layers: settings.layers, dense: settings.dense };

  const { series, source } = await loadSeries(opts.data ?? null, settings.seed);
  if (opts.signal?.aborted) throw new TrainError('interrupted while loading the data; nothing was trained');
  const data = prepareDataset(series, source, { window: settings.window, normalize: settings.normalize });
  const trainRows = data.split.train[1] - data.split.train[0];
  const testRows = data.split.test[1] - data.split.test[0];
  if (resumed && resumed.extra.data !== source) throw new TrainError(`--resume: the checkpoint was trained on ${resumed.extra.data}, not ${source}`);

  const { manifest, built } = ensureArtifacts(opts.out, config, settings, data, !!resumed, opts.lstmForward);
  const { ep, note } = await resolveEp(opts.ep ?? 'cpu', opts.device);
  const sessionOpts = { ep, deviceId: opts.device, threads: opts.threads ?? 1 };
  const [stepSession, evalSession] = await Promise.all([
    createSession(join(opts.out, FILES.trainStep), sessionOpts),
    createSession(join(opts.out, FILES.eval), sessionOpts),
  ]);

  const layout = flatLayout(config);
  const P = layout.total;
  let params: ort.Tensor, state: ort.Tensor[];
  let step: number, epoch: number;
  const shuffle = new Rng(0);
  if (resumed) {
    if (JSON.stringify(resumed.config) !== JSON.stringify(config) || resumed.tensors.get('params')?.length !== P) {
      throw new CheckpointError(`${ckptPath}: the checkpoint is for another model configuration (${JSON.stringify(resumed.config)})`);
    }
    const missing = ['params', ...manifest.optimizer.state].find((n) => resumed.tensors.get(n)?.length !== P);
    if (missing) throw new CheckpointError(`${ckptPath}: the checkpoint has no "${missing}" of ${P} values for this model and optimizer`);
    params = new ort.Tensor('float32', resumed.tensors.get('params')!, [P]);
    state = manifest.optimizer.state.map((n) => new ort.Tensor('float32', resumed.tensors.get(n)!, [P]));
    ({ step, epoch } = resumed);
    shuffle.state = resumed.rng;
  } else {
    const init = initParameters(config, settings.seed);
    const flat = new Float32Array(P);
    for (const e of layout.entries) flat.set(init.get(e.name)!.data as Float32Array, e.offset);
    params = new ort.Tensor('float32', flat, [P]);
    state = manifest.optimizer.state.map(() => new ort.Tensor('float32', new Float32Array(P), [P]));
    step = 0;
    epoch = 0;
    shuffle.state = Rng.derive(settings.seed, 'shuffle').state;
  }
  const logPath = join(opts.out, FILES.log);
  truncateLog(logPath, epoch);

  const stepsPerEpoch = Math.ceil(trainRows / settings.batchSize);
  const evalEvery = Math.max(1, opts.evalEvery ?? Math.floor(settings.epochs / 100));
  // Default: one run per evaluation interval (fewer, longer runs; what CUDA needs), within a bound on the values
  // copied in per run (a long series then splits its epochs). Runs hold whole epochs when K ≥ steps per epoch.
  const stepCap = Math.max(1, Math.floor(MAX_RUN_VALUES / (settings.batchSize * settings.window)));
  const stepsPerRun = Math.max(1, opts.stepsPerRun ?? Math.min(stepsPerEpoch * evalEvery, stepCap));
  const epochsPerRun = Math.max(1, Math.floor(stepsPerRun / stepsPerEpoch));
  opts.onStart?.({ ep, note, settings, trainRows, testRows, stepsPerEpoch, stepsPerRun, startEpoch: epoch, builtArtifacts: built });

  const lr = new ort.Tensor('float32', new Float32Array([settings.lr]), [1]);
  const maxRows = Math.min(stepsPerRun, epochsPerRun * stepsPerEpoch) * settings.batchSize;
  const xBuf = new Float32Array(maxRows * settings.window), yBuf = new Float32Array(maxRows);
  const testFeeds = evalFeeds(data, data.split.test);
  let rng = shuffle.state;
  const save = () => writeCheckpoint(ckptPath, { params, state, manifest, step, epoch, rng, settings, source });

  let lastTrainLoss = NaN, lastTest = NaN, seconds = 0, lastSave = performance.now(), interrupted = false;
  const t0 = performance.now();
  const stepsAtStart = step;
  while (epoch < settings.epochs) {
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    // The state at the start of this chunk of epochs is what a checkpoint holds if the chunk goes wrong.
    const before = { params, state, step };
    rng = shuffle.state;
    const chunk = Array.from({ length: Math.min(epochsPerRun, settings.epochs - epoch) }, () => epochBatches(trainRows, settings.batchSize, shuffle));
    const batches = chunk.flat();
    const losses = new Float32Array(batches.length);
    for (let b0 = 0; b0 < batches.length; b0 += stepsPerRun) {
      const group = batches.slice(b0, b0 + stepsPerRun);
      const offsets = new BigInt64Array(group.length + 1);
      let rows = 0;
      group.forEach((rowsOf, k) => {
        gatherRows(data, rowsOf.map((r) => r + data.split.train[0]), xBuf, yBuf, rows);
        rows += rowsOf.length;
        offsets[k + 1] = BigInt(rows);
      });
      const feeds: Feeds = {
        params, step: new ort.Tensor('int64', new BigInt64Array([BigInt(step + 1)]), [1]), learning_rate: lr,
        x: new ort.Tensor('float32', xBuf.subarray(0, rows * settings.window), [rows, settings.window, 1]),
        target: new ort.Tensor('float32', yBuf.subarray(0, rows), [rows, 1]),
        offsets: new ort.Tensor('int64', offsets, [group.length + 1]),
      };
      manifest.optimizer.state.forEach((n, i) => (feeds[n] = state[i]!));
      const out = await stepSession.run(feeds);
      const runLosses = out.losses!.data as Float32Array;
      const bad = runLosses.findIndex((l) => !Number.isFinite(l));
      if (bad >= 0) {
        const at = b0 + bad;
        const badEpoch = epoch + 1 + Math.floor(at / stepsPerEpoch);
        ({ params, state, step } = before);
        save();
        throw new TrainError(`the loss became ${runLosses[bad]} at epoch ${badEpoch}, step ${step + at + 1}; training stopped, the last good checkpoint (epoch ${epoch}) is ${ckptPath} (try a lower --lr)`);
      }
      losses.set(runLosses, b0);
      params = out['params.out']!;
      state = manifest.optimizer.state.map((n) => out[`${n}.out`]!);
      step += group.length;
    }
    let first = 0;
    const evalDue = chunk.some((_, k) => (epoch + k + 1) % evalEvery === 0) || epoch + chunk.length === settings.epochs;
    for (const [k, eb] of chunk.entries()) {
      let lossSum = 0, rowSum = 0;
      eb.forEach((rowsOf, j) => {
        lossSum += losses[first + j]! * rowsOf.length;
        rowSum += rowsOf.length;
      });
      first += eb.length;
      epoch++;
      lastTrainLoss = lossSum / rowSum;
      // The parameters exist only at the end of a run: the test split is evaluated there.
      const evalNow = testRows > 0 && evalDue && k === chunk.length - 1;
      if (evalNow) lastTest = await evaluate(evalSession, testFeeds, params, layout, data.normalization);
      seconds = (performance.now() - t0) / 1000;
      const report: EpochReport = {
        epoch, epochs: settings.epochs, trainLoss: lastTrainLoss, testLoss: evalNow ? lastTest : null, steps: step, seconds,
        stepsPerSecond: (step - stepsAtStart) / Math.max(seconds, 1e-9),
      };
      appendLog(logPath, { epoch, train_loss: report.trainLoss, test_loss: report.testLoss, seconds: +seconds.toFixed(4) });
      opts.onEpoch?.(report);
    }
    rng = shuffle.state;
    if (epoch === settings.epochs || performance.now() - lastSave > (opts.checkpointSeconds ?? 5) * 1000) {
      save();
      lastSave = performance.now();
    }
  }
  if (interrupted) save();
  const trainSeconds = (performance.now() - t0) / 1000;
  const named = unflatten(params.data as Float32Array, layout);
  if (!interrupted) {
    const weights = new Map([...named].map(([n, d]) => [n, new Tensor('float32', layout.entries.find((e) => e.name === n)!.dims, d)]));
    writeFileAtomic(join(opts.out, FILES.model), serializeModel(inferenceGraph(config, weights, data.normalization)));
  }
  const steps = step - stepsAtStart;
  const metrics: Metrics = {
    train_loss: lastTrainLoss, test_mse: lastTest, epochs: epoch, steps: step, train_seconds: +trainSeconds.toFixed(4),
    ms_per_step: +((trainSeconds * 1000) / Math.max(steps, 1)).toFixed(4), steps_per_second: +(steps / trainSeconds).toFixed(1),
    ep, preset, settings, data: source,
  };
  if (!interrupted) writeFileAtomic(join(opts.out, FILES.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
  await Promise.all([stepSession.release(), evalSession.release()]);
  return { metrics, interrupted, params: named };
}

function unflatten(flat: Float32Array, layout: ReturnType<typeof flatLayout>): Map<string, Float32Array> {
  return new Map(layout.entries.map((e) => [e.name, flat.slice(e.offset, e.offset + e.size)]));
}

export { CheckpointError, TrainError };
