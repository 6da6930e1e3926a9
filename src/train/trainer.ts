// The Node trainer: runs train_step.onnx through the engine (src/engine: K optimizer steps per run, parameters and
// optimizer state kept as runtime tensors between runs), validates on rows carved from the end of the training
// rows (early stopping, the best epoch kept, the learning-rate schedule), checkpoints atomically, and writes the
// trained model.onnx, metrics.json (the test split beside the naive baselines), train-log.jsonl, forecast.svg and
// loss.svg. The model takes and returns raw values: its preprocessing is part of its graphs, so every loss and
// metric here is in the data's units.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CheckpointError } from '../artifacts/checkpoint.ts';
import { inferenceGraph } from '../artifacts/inference.ts';
import { FILES, type DataInfo } from '../artifacts/manifest.ts';
import { guessSeason } from '../data/dates.ts';
import { Rng } from '../data/rng.ts';
import type { Split } from '../data/split.ts';
import { EpochNonFiniteError, TrainStepEngine, specOf } from '../engine/engine.ts';
import { initParameters, type LstmForward } from '../graph/model.ts';
import type { Preprocess } from '../graph/preprocess.ts';
import { exampleDims, size } from '../graph/trainable.ts';
import type { Evaluation } from '../metrics/evaluate.ts';
import { writeFileAtomic } from '../node/files.ts';
import { readManifestIn } from '../node/artifacts.ts';
import { readImportedFolder } from '../node/imported-artifacts.ts';
import { lockFolder } from '../node/lock.ts';
import { serializeModel } from '../onnx/serialize.ts';
import { lossSvg, type LossEntry } from '../plot/loss-svg.ts';
import { ensureArtifacts } from './artifacts-dir.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import { dataFingerprint, loadSeries, prepareDataset, type DataSource } from './dataset.ts';
import { TrainError } from './errors.ts';
import { mse } from './evaluate.ts';
import { LearningRate, type ScheduleState } from './lr-schedule.ts';
import { buildModel, checkBuiltFeatures, fitPreprocess, modelConfig, resolveSettings } from './model-settings.ts';
import { PRESETS, type PresetName, type TrainSettings } from './presets.ts';
import { createSession, resolveEp, resolveThreads, type EpName, type Threads } from './providers.ts';
import { MAX_RUN_VALUES } from './run-bound.ts';
import { adviceFor, testReport } from './test-report.ts';
import { appendLog, truncateLog, type LogLine } from './train-log.ts';

/** The longest train-log.jsonl waits for its pending lines (they are also written at every checkpoint). */
const LOG_FLUSH_MS = 1000;

export interface TrainOptions extends Partial<TrainSettings> {
  out: string;
  preset?: PresetName;
  ep?: EpName;
  device?: number;
  threads?: Threads;
  /** The CSV file and its columns (DataSource.columns, .target); null or absent: the tutorial's series. */
  data?: DataSource | null;
  /** Train and test on these window rows (as Dataset.split) instead of the default split; validation rows are
   *  carved from the end of `train`. */
  split?: Split;
  /** The seasonal-naive baseline's period and the MASE's; default: guessed from the date column, else 1. */
  season?: number;
  /** Optimizer steps per session run (the in-graph loop's length); default: one evaluation interval per run. */
  stepsPerRun?: number;
  resume?: boolean;
  /** Evaluate validation and test rows every this many epochs (and at the last); default: about 100 a run. */
  evalEvery?: number;
  /** Seconds between checkpoints (taken at epoch ends); the last epoch always checkpoints. */
  checkpointSeconds?: number;
  /** The train step's LSTM forward form (the LSTM op, or unrolled standard ops); default: the artifacts' own. */
  lstmForward?: LstmForward;
  /** With resume: continue on data that differs from the checkpoint's (fine-tuning on purpose). */
  allowNewData?: boolean;
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
  valRows: number;
  testRows: number;
  stepsPerEpoch: number;
  stepsPerRun: number;
  startEpoch: number;
  builtArtifacts: boolean;
}

/** One epoch; every loss is the mean of the training loss function in the data's units (MSE by default). */
export interface EpochReport {
  epoch: number;
  epochs: number;
  trainLoss: number;
  /** MSE on the validation rows, at evaluation epochs. */
  valLoss: number | null;
  testLoss: number | null;
  lr: number;
  /** The epoch whose parameters are kept so far. */
  bestEpoch: number;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
}

export interface Metrics {
  train_loss: number;
  /** The kept parameters' MSE on the validation rows (null without them). */
  val_mse: number | null;
  /** The kept parameters' MSE on the test rows, in the data's units. */
  test_mse: number;
  /** Every metric of the kept parameters on the test rows beside the naive and seasonal-naive forecasts. */
  test: Evaluation | null;
  epochs: number;
  /** The epoch whose parameters model.onnx holds. */
  best_epoch: number;
  stopped_early: boolean;
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
  /** The kept (best) parameters. */
  params: Map<string, Float32Array>;
}

/** What a checkpoint keeps of the trainer's own state beside the engine's. */
interface Progress {
  bestEpoch: number;
  bestLoss: number | null;
  schedule: ScheduleState;
  /** The last trained epoch's loss: a run resumed with no epochs left (its worker killed after the last
   *  checkpoint, or early stopping already due) still reports it. Absent in older checkpoints. */
  trainLoss?: number;
}

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
  const given = Object.fromEntries(Object.keys(PRESETS[preset]).map((k) => [k, opts[k as keyof TrainSettings]])) as Partial<TrainSettings>;
  const ckptPath = join(opts.out, FILES.checkpoint);
  const resumed = opts.resume ? readCheckpoint(ckptPath) : null;
  const built = readManifestIn(opts.out);
  let settings: TrainSettings;
  if (resumed) {
    // A resumed run continues with the settings it started with; only the epoch count may grow.
    const saved = { ...PRESETS[preset], ...(resumed.extra.settings as TrainSettings) };
    const clash = (Object.keys(saved) as (keyof TrainSettings)[]).find((k) => k !== 'epochs' && opts[k] !== undefined && JSON.stringify(opts[k]) !== JSON.stringify(saved[k]));
    if (clash) {
      throw new TrainError(`--resume: the checkpoint was trained with ${clash} ${JSON.stringify(saved[clash])}, not ${JSON.stringify(opts[clash])}; drop that flag to resume, or train without --resume`);
    }
    settings = { ...saved, epochs: opts.epochs ?? saved.epochs };
  } else settings = resolveSettings(given, preset, built);

  // A folder built by `build-graph --from` holds another tool's model: its architecture and window are its own.
  const imported = readImportedFolder(opts.out, built);
  if (imported) {
    const fixed = (['hidden', 'layers', 'dense'] as const).find((k) => opts[k] !== undefined);
    if (fixed) throw new TrainError(`--${fixed}: ${opts.out} holds an imported model (${imported.model.name}), whose architecture is its own`);
    const [, window, features] = imported.model.input.dims;
    if (imported.model.input.dims.length !== 3 || imported.model.output.dims.length !== 2) {
      throw new TrainError(`${opts.out}: the imported model takes [${imported.model.input.dims.join(', ')}] and gives [${imported.model.output.dims.join(', ')}]; train feeds windows [batch, window, features] and targets [batch, outputs]`);
    }
    if (opts.window !== undefined && opts.window !== window) throw new TrainError(`--window ${opts.window}: the imported model in ${opts.out} takes windows of ${window}`);
    const own = (['normalize', 'local'] as const).find((k) => opts[k] !== undefined && opts[k] !== PRESETS.tutorial[k]);
    if (own) throw new TrainError(`--${own}: not supported for an imported model (${opts.out}); it keeps its own input scaling`);
    if (features !== 1 || imported.model.output.dims[1] !== 1) throw new TrainError(`${opts.out}: the imported model takes ${features} features and gives ${imported.model.output.dims[1]} values per window; train reads one column and predicts its next value`);
    // No preprocessing around another tool's model: its inputs and outputs are its own.
    settings = { ...settings, window: window as number, horizon: 1, normalize: false, local: 'none' };
  }

  const series = await loadSeries(opts.data ?? null, settings.seed);
  if (opts.signal?.aborted) throw new TrainError('interrupted while loading the data; nothing was trained');
  const fingerprint = dataFingerprint(series);
  if (resumed && !opts.allowNewData) checkSameData(resumed.extra, series.source, fingerprint);
  if (!resumed) checkBuiltFeatures(built, series.inputs.length, series.names);
  const data = prepareDataset(series, { window: settings.window, horizon: settings.horizon, split: opts.split });
  const { fit, val } = carveValidation(data.split.train, settings.valFraction, settings.horizon);
  const testRows = data.split.test[1] - data.split.test[0];
  const config = imported ? null : modelConfig(settings, data.features, built);
  // Fitted on the values the fitting rows see (inputs and targets), never on validation or test values.
  if (resumed && !('preprocess' in resumed.extra) && resumed.extra.normalization) {
    throw new CheckpointError(`${ckptPath}: the checkpoint normalised the data outside the model (an older ingraph); train without --resume`);
  }
  const preprocess = resumed ? (resumed.extra.preprocess as Preprocess | null | undefined) ?? null : fitPreprocess(series, fit[1] + settings.window + settings.horizon - 1, settings);
  const model = imported?.model ?? buildModel(config!, preprocess);
  const initial = () => imported?.params ?? initParameters(config!, settings.seed);
  const dataInfo: DataInfo = {
    source: series.source, columns: series.names, target: series.targetName, seed: opts.data ? undefined : settings.seed, window: settings.window, horizon: settings.horizon,
    rows: data.count, split: { train: fit, test: data.split.test, ...(val ? { validation: val } : {}) },
  };
  const { manifest, built: rebuilt } = ensureArtifacts(opts.out, model, initial, settings, dataInfo, { built, resuming: !!resumed, lstmForward: opts.lstmForward });
  const { ep, note } = await resolveEp(opts.ep ?? 'cpu', opts.device);
  // An imported model's recurrent width is its widest recurrent op's (0 without one: what --threads auto sizes by).
  const hidden = config?.hidden ?? Math.max(0, ...imported!.graph.nodes.map((n) => n.int('hidden_size', 0)));
  const sessionOpts = { ep, deviceId: opts.device, threads: resolveThreads(opts.threads, { batch: settings.batchSize, hidden, features: exampleDims(model.input).at(-1)! }) };
  const [stepSession, evalSession] = await Promise.all([
    createSession(join(opts.out, FILES.trainStep), sessionOpts),
    createSession(join(opts.out, FILES.eval), sessionOpts),
  ]);

  const spec = specOf(manifest);
  const P = spec.layout.total;
  let epoch: number;
  let engine: TrainStepEngine;
  let progress: Progress;
  let best: Float32Array | null = null;
  const stepsPerEpoch = Math.ceil((fit[1] - fit[0]) / settings.batchSize);
  const evalEvery = Math.max(1, opts.evalEvery ?? Math.floor(settings.epochs / 100));
  if (resumed) {
    if (JSON.stringify(resumed.config) !== JSON.stringify(config) || resumed.tensors.get('params')?.length !== P) {
      throw new CheckpointError(`${ckptPath}: the checkpoint is for another model configuration (${JSON.stringify(resumed.config)})`);
    }
    const missing = ['params', ...spec.stateNames].find((n) => resumed.tensors.get(n)?.length !== P);
    if (missing) throw new CheckpointError(`${ckptPath}: the checkpoint has no "${missing}" of ${P} values for this model and optimizer`);
    engine = new TrainStepEngine(ort, stepSession, spec, {
      params: resumed.tensors.get('params')!, states: spec.stateNames.map((n) => resumed.tensors.get(n)!), step: resumed.step, rng: resumed.rng,
    });
    epoch = resumed.epoch;
    progress = (resumed.extra.progress as Progress | undefined) ?? { bestEpoch: epoch, bestLoss: null, schedule: { lr: settings.lr, since: epoch } };
    best = resumed.tensors.get('best') ?? null;
  } else {
    const init = initial();
    engine = new TrainStepEngine(ort, stepSession, spec, {
      params: spec.layout.flatten((e) => init.get(e.name)!.data as Float32Array), rng: Rng.derive(settings.seed, 'shuffle').state,
    });
    epoch = 0;
    progress = { bestEpoch: 0, bestLoss: null, schedule: { lr: settings.lr, since: 0 } };
  }
  const schedule = new LearningRate(settings.lrSchedule, settings.lr, settings.epochs, LearningRate.plateauWait(settings.patience, evalEvery), progress.schedule);
  const logPath = join(opts.out, FILES.log);
  truncateLog(logPath, epoch);

  // Default: one run per evaluation interval (fewer, longer runs; what CUDA needs), within a bound on the values
  // copied in per run (a long series then splits its epochs). Runs hold whole epochs when K ≥ steps per epoch.
  const stepCap = Math.max(1, Math.floor(MAX_RUN_VALUES / (settings.batchSize * size(exampleDims(model.input)))));
  const stepsPerRun = Math.max(1, opts.stepsPerRun ?? Math.min(stepsPerEpoch * evalEvery, stepCap));
  const epochsPerRun = Math.max(1, Math.floor(stepsPerRun / stepsPerEpoch));
  opts.onStart?.({
    ep, note, settings, trainRows: fit[1] - fit[0], valRows: val ? val[1] - val[0] : 0, testRows, stepsPerEpoch, stepsPerRun, startEpoch: epoch, builtArtifacts: rebuilt,
  });

  const extra = () => ({ settings, data: series.source, fingerprint, preprocess, progress: { ...progress, schedule: schedule.saved() } });
  // Log lines wait for a checkpoint or a second, whichever comes first: a write per epoch (~35 µs) was a twentieth of
  // a tutorial step at one step per run. A resumed run drops the lines after its checkpoint anyway, so the lines a
  // crash loses are never needed.
  const pending: LogLine[] = [];
  let lastFlush = performance.now();
  const flushLog = () => {
    appendLog(logPath, pending.splice(0));
    lastFlush = performance.now();
  };
  const save = async () => {
    flushLog();
    await writeCheckpoint(ckptPath, { state: await engine.state(), manifest, epoch, extra: extra(), more: best ? new Map([['best', best]]) : undefined });
  };
  const evaluate = async (rows: readonly [number, number], flat?: Float32Array) => mse(await engine.predict(evalSession, data, rows, flat), data, rows);

  let lastTrainLoss = progress.trainLoss ?? NaN, seconds = 0, lastSave = performance.now(), interrupted = false, stoppedEarly = false;
  const t0 = performance.now();
  const stepsAtStart = engine.step;
  while (epoch < settings.epochs) {
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    if (val && settings.patience > 0 && epoch - progress.bestEpoch >= settings.patience) {
      stoppedEarly = true;
      break;
    }
    // Every evaluation epoch ends a call, so which epochs are evaluated (and kept, and change the learning rate)
    // does not depend on the steps per run.
    const chunk = Math.min(epochsPerRun, evalEvery - (epoch % evalEvery), settings.epochs - epoch);
    const lr = schedule.at(epoch);
    let results;
    try {
      results = await engine.trainEpochs(data, fit, { epochs: chunk, batchSize: settings.batchSize, lr, stepsPerRun });
    } catch (e) {
      if (!(e instanceof EpochNonFiniteError)) throw e;
      // The engine is back at the start of this chunk: the last state known to be finite.
      await save();
      const what = e.where === 'loss' ? `the loss became ${e.value}` : 'the parameters became non-finite';
      throw new TrainError(`${what} at epoch ${epoch + 1 + e.epoch}, step ${e.step}; training stopped, the last good checkpoint (epoch ${epoch}) is ${ckptPath} (try a lower --lr)`);
    }
    const evalDue = (epoch + chunk) % evalEvery === 0 || epoch + chunk === settings.epochs;
    for (const [k, r] of results.entries()) {
      epoch++;
      lastTrainLoss = r.loss;
      progress = { ...progress, trainLoss: r.loss };
      // The parameters exist only at the end of a run: validation and test rows are evaluated there.
      const evalNow = evalDue && k === results.length - 1;
      const valLoss = evalNow && val ? await evaluate(val) : null;
      const testLoss = evalNow && testRows > 0 ? await evaluate(data.split.test) : null;
      if (evalNow) {
        // Validation picks the kept epoch; without validation rows the last epoch is kept.
        const monitored = val ? valLoss! : r.loss;
        const improved = progress.bestLoss === null || monitored < progress.bestLoss;
        if (improved) progress = { ...progress, bestLoss: monitored };
        if (improved || !val) {
          progress = { ...progress, bestEpoch: epoch };
          best = val ? await engine.params() : null;
        }
        schedule.observe(epoch, improved);
      }
      seconds = (performance.now() - t0) / 1000;
      const report: EpochReport = {
        epoch, epochs: settings.epochs, trainLoss: lastTrainLoss, valLoss, testLoss, lr, bestEpoch: progress.bestEpoch, steps: engine.step, seconds,
        stepsPerSecond: (engine.step - stepsAtStart) / Math.max(seconds, 1e-9),
      };
      pending.push({ epoch, train_loss: report.trainLoss, val_loss: valLoss, test_loss: testLoss, lr, seconds: +seconds.toFixed(4) });
      opts.onEpoch?.(report);
    }
    if (performance.now() - lastFlush > LOG_FLUSH_MS) flushLog();
    if (epoch === settings.epochs || performance.now() - lastSave > (opts.checkpointSeconds ?? 5) * 1000) {
      await save();
      lastSave = performance.now();
    }
  }
  if (interrupted || stoppedEarly) await save();
  flushLog();
  const trainSeconds = (performance.now() - t0) / 1000;
  const kept = best ?? (await engine.params());
  const steps = engine.step - stepsAtStart;
  const metrics: Metrics = {
    train_loss: lastTrainLoss, val_mse: val ? await evaluate(val, kept) : null, test_mse: NaN, test: null, epochs: epoch, best_epoch: progress.bestEpoch, stopped_early: stoppedEarly,
    steps: engine.step, train_seconds: +trainSeconds.toFixed(4), ms_per_step: +((trainSeconds * 1000) / Math.max(steps, 1)).toFixed(4),
    steps_per_second: +(steps / trainSeconds).toFixed(1), ep, preset, settings, data: series.source,
  };
  if (!interrupted) {
    writeFileAtomic(join(opts.out, FILES.model), serializeModel(inferenceGraph(model, spec.layout.tensors(kept)), { opset: model.opset }));
    if (testRows > 0) {
      const forecast = await engine.predict(evalSession, data, data.split.test, kept);
      metrics.test_mse = mse(forecast, data, data.split.test);
      const report = testReport(data, forecast, opts.season ?? guessSeason(series.frequency), adviceFor(settings));
      metrics.test = report.evaluation;
      writeFileAtomic(join(opts.out, FILES.forecastSvg), report.svg);
    }
    writeFileAtomic(join(opts.out, FILES.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
    writeFileAtomic(join(opts.out, FILES.lossSvg), lossSvg(readLog(logPath), { title: `Loss by epoch in the data's units: train ${settings.loss.toUpperCase()}, validation and test MSE` }));
  }
  await Promise.all([stepSession.release(), evalSession.release()]);
  return { metrics, interrupted, params: spec.layout.unflatten(kept) };
}

/** Validation rows from the end of the training rows (a share of them), with horizon-1 rows left out before them so
 *  no fitting target is a validation target; none when that leaves fewer than one row either side. */
export function carveValidation(train: readonly [number, number], fraction: number, horizon: number): { fit: [number, number]; val: [number, number] | null } {
  const [a, b] = train;
  const n = Math.floor((b - a) * fraction);
  const end = b - n - (horizon - 1);
  if (n < 1 || end - a < 1) return { fit: [a, b], val: null };
  return { fit: [a, end], val: [b - n, b] };
}

function readLog(path: string): LossEntry[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LossEntry);
}

/** A resumed run must see the data it started with, unless told to fine-tune on new data. */
function checkSameData(extra: Record<string, unknown>, source: string, fp: ReturnType<typeof dataFingerprint>): void {
  if (extra.data !== source) throw new TrainError(`--resume: the checkpoint was trained on ${String(extra.data)}, not ${source} (add --allow-new-data to fine-tune on it)`);
  const saved = extra.fingerprint as ReturnType<typeof dataFingerprint> | undefined;
  if (saved && (saved.values !== fp.values || saved.hash !== fp.hash)) {
    throw new TrainError(`--resume: ${source} has changed since the checkpoint (${saved.values} values then, ${fp.values} now; contents differ); add --allow-new-data to fine-tune on it`);
  }
}

export { CheckpointError, TrainError };
