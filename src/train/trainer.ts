// The Node trainer: runs train_step.onnx through the engine (src/engine: K optimizer steps per run, parameters and
// optimizer state kept as runtime tensors between runs), evaluates the test split, checkpoints atomically, and
// writes the trained model.onnx, metrics.json and train-log.jsonl.
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CheckpointError } from '../artifacts/checkpoint.ts';
import { inferenceGraph } from '../artifacts/inference.ts';
import { FILES } from '../artifacts/manifest.ts';
import type { Normalizer } from '../data/normalize.ts';
import { Rng } from '../data/rng.ts';
import { EpochNonFiniteError, TrainStepEngine, specOf } from '../engine/engine.ts';
import { forecasterModel, initParameters, type LstmForward, type ModelConfig } from '../graph/model.ts';
import { exampleDims, size } from '../graph/trainable.ts';
import { writeFileAtomic } from '../node/files.ts';
import { readImportedFolder } from '../node/imported-artifacts.ts';
import { lockFolder } from '../node/lock.ts';
import { serializeModel } from '../onnx/serialize.ts';
import { ensureArtifacts } from './artifacts-dir.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import { dataFingerprint, loadSeries, prepareDataset, type DataSource } from './dataset.ts';
import { TrainError } from './errors.ts';
import { testMse } from './evaluate.ts';
import { PRESETS, type PresetName, type TrainSettings } from './presets.ts';
import { createSession, resolveEp, resolveThreads, type EpName, type Threads } from './providers.ts';
import { MAX_RUN_VALUES } from './run-bound.ts';
import { appendLog, truncateLog } from './train-log.ts';

export interface TrainOptions extends Partial<TrainSettings> {
  out: string;
  preset?: PresetName;
  ep?: EpName;
  device?: number;
  threads?: Threads;
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

  // A folder built by `build-graph --from` holds another tool's model: its architecture and window are its own.
  const imported = readImportedFolder(opts.out);
  if (imported) {
    const fixed = (['hidden', 'layers', 'dense'] as const).find((k) => opts[k] !== undefined);
    if (fixed) throw new TrainError(`--${fixed}: ${opts.out} holds an imported model (${imported.model.name}), whose architecture is its own`);
    const [, window, features] = imported.model.input.dims;
    if (imported.model.input.dims.length !== 3 || imported.model.output.dims.length !== 2) {
      throw new TrainError(`${opts.out}: the imported model takes [${imported.model.input.dims.join(', ')}] and gives [${imported.model.output.dims.join(', ')}]; train feeds windows [batch, window, features] and targets [batch, outputs]`);
    }
    if (opts.window !== undefined && opts.window !== window) throw new TrainError(`--window ${opts.window}: the imported model in ${opts.out} takes windows of ${window}`);
    if (settings.normalize) throw new TrainError(`--normalize: not supported for an imported model (${opts.out}); it keeps its own input scaling`);
    if (features !== 1 || imported.model.output.dims[1] !== 1) throw new TrainError(`${opts.out}: the imported model takes ${features} features and gives ${imported.model.output.dims[1]} values per window; train reads one column and predicts its next value`);
    settings = { ...settings, window: window as number };
  }

  const { series, source } = await loadSeries(opts.data ?? null, settings.seed);
  if (opts.signal?.aborted) throw new TrainError('interrupted while loading the data; nothing was trained');
  const fingerprint = dataFingerprint(series);
  if (resumed && !opts.allowNewData) checkSameData(resumed.extra, source, fingerprint);
  const data = prepareDataset(series, source, { window: settings.window, normalize: settings.normalize, normalization: resumed ? savedNormalization(resumed.extra) : undefined });
  const trainRows = data.split.train[1] - data.split.train[0];
  const testRows = data.split.test[1] - data.split.test[0];
  const config: ModelConfig | null = imported ? null : { features: data.features, outputs: data.outputs, window: settings.window, hidden: settings.hidden, layers: settings.layers, dense: settings.dense };
  const model = imported?.model ?? forecasterModel(config!);
  const initial = () => imported?.params ?? initParameters(config!, settings.seed);

  const { manifest, built } = ensureArtifacts(opts.out, model, initial, settings, data, !!resumed, opts.lstmForward);
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
  } else {
    const init = initial();
    engine = new TrainStepEngine(ort, stepSession, spec, {
      params: spec.layout.flatten((e) => init.get(e.name)!.data as Float32Array), rng: Rng.derive(settings.seed, 'shuffle').state,
    });
    epoch = 0;
  }
  const logPath = join(opts.out, FILES.log);
  truncateLog(logPath, epoch);

  const stepsPerEpoch = Math.ceil(trainRows / settings.batchSize);
  const evalEvery = Math.max(1, opts.evalEvery ?? Math.floor(settings.epochs / 100));
  // Default: one run per evaluation interval (fewer, longer runs; what CUDA needs), within a bound on the values
  // copied in per run (a long series then splits its epochs). Runs hold whole epochs when K ≥ steps per epoch.
  const stepCap = Math.max(1, Math.floor(MAX_RUN_VALUES / (settings.batchSize * size(exampleDims(model.input)))));
  const stepsPerRun = Math.max(1, opts.stepsPerRun ?? Math.min(stepsPerEpoch * evalEvery, stepCap));
  const epochsPerRun = Math.max(1, Math.floor(stepsPerRun / stepsPerEpoch));
  opts.onStart?.({ ep, note, settings, trainRows, testRows, stepsPerEpoch, stepsPerRun, startEpoch: epoch, builtArtifacts: built });

  const extra = { settings, data: source, fingerprint, normalization: data.normalization };
  const save = async () => writeCheckpoint(ckptPath, { state: await engine.state(), manifest, epoch, extra });

  let lastTrainLoss = NaN, lastTest = NaN, seconds = 0, lastSave = performance.now(), interrupted = false;
  const t0 = performance.now();
  const stepsAtStart = engine.step;
  while (epoch < settings.epochs) {
    if (opts.signal?.aborted) {
      interrupted = true;
      break;
    }
    const chunk = Math.min(epochsPerRun, settings.epochs - epoch);
    let results;
    try {
      results = await engine.trainEpochs(data, data.split.train, { epochs: chunk, batchSize: settings.batchSize, lr: settings.lr, stepsPerRun });
    } catch (e) {
      if (!(e instanceof EpochNonFiniteError)) throw e;
      // The engine is back at the start of this chunk: the last state known to be finite.
      await save();
      const what = e.where === 'loss' ? `the loss became ${e.value}` : 'the parameters became non-finite';
      throw new TrainError(`${what} at epoch ${epoch + 1 + e.epoch}, step ${e.step}; training stopped, the last good checkpoint (epoch ${epoch}) is ${ckptPath} (try a lower --lr)`);
    }
    const evalDue = results.some((_, k) => (epoch + k + 1) % evalEvery === 0) || epoch + chunk === settings.epochs;
    for (const [k, r] of results.entries()) {
      epoch++;
      lastTrainLoss = r.loss;
      // The parameters exist only at the end of a run: the test split is evaluated there.
      const evalNow = testRows > 0 && evalDue && k === results.length - 1;
      if (evalNow) lastTest = testMse(await engine.predict(evalSession, data, data.split.test), data);
      seconds = (performance.now() - t0) / 1000;
      const report: EpochReport = {
        epoch, epochs: settings.epochs, trainLoss: lastTrainLoss, testLoss: evalNow ? lastTest : null, steps: engine.step, seconds,
        stepsPerSecond: (engine.step - stepsAtStart) / Math.max(seconds, 1e-9),
      };
      appendLog(logPath, { epoch, train_loss: report.trainLoss, test_loss: report.testLoss, seconds: +seconds.toFixed(4) });
      opts.onEpoch?.(report);
    }
    if (epoch === settings.epochs || performance.now() - lastSave > (opts.checkpointSeconds ?? 5) * 1000) {
      await save();
      lastSave = performance.now();
    }
  }
  if (interrupted) await save();
  const trainSeconds = (performance.now() - t0) / 1000;
  const flat = await engine.params();
  if (!interrupted) writeFileAtomic(join(opts.out, FILES.model), serializeModel(inferenceGraph(model, spec.layout.tensors(flat), data.normalization), { opset: model.opset }));
  const steps = engine.step - stepsAtStart;
  const metrics: Metrics = {
    train_loss: lastTrainLoss, test_mse: lastTest, epochs: epoch, steps: engine.step, train_seconds: +trainSeconds.toFixed(4),
    ms_per_step: +((trainSeconds * 1000) / Math.max(steps, 1)).toFixed(4), steps_per_second: +(steps / trainSeconds).toFixed(1),
    ep, preset, settings, data: source,
  };
  if (!interrupted) writeFileAtomic(join(opts.out, FILES.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
  await Promise.all([stepSession.release(), evalSession.release()]);
  return { metrics, interrupted, params: spec.layout.unflatten(flat) };
}

/** A resumed run must see the data it started with, unless told to fine-tune on new data. */
function checkSameData(extra: Record<string, unknown>, source: string, fp: ReturnType<typeof dataFingerprint>): void {
  if (extra.data !== source) throw new TrainError(`--resume: the checkpoint was trained on ${String(extra.data)}, not ${source} (add --allow-new-data to fine-tune on it)`);
  const saved = extra.fingerprint as ReturnType<typeof dataFingerprint> | undefined;
  if (saved && (saved.values !== fp.values || saved.hash !== fp.hash)) {
    throw new TrainError(`--resume: ${source} has changed since the checkpoint (${saved.values} values then, ${fp.values} now; contents differ); add --allow-new-data to fine-tune on it`);
  }
}

function savedNormalization(extra: Record<string, unknown>): Normalizer | undefined {
  const n = extra.normalization as { mean?: unknown; std?: unknown } | null | undefined;
  return n && typeof n.mean === 'number' && typeof n.std === 'number' ? { mean: n.mean, std: n.std } : undefined;
}

export { CheckpointError, TrainError };
