// The one driver of train_step.onnx (its calling convention is TRAIN_STEP in src/artifacts/train-step.ts). It owns
// what every caller used to repeat: the flat parameter layout, the feed and output names, the optimizer state
// names, packing K batches' rows with their offsets, the K-step run, non-finite detection, and the state a
// checkpoint holds (parameters, optimizer state, step, shuffle RNG). It works with any ONNX Runtime: the module is a
// parameter (onnxruntime-node and onnxruntime-web share onnxruntime-common's Tensor and session API), so the Node
// trainer, the viewer's fine-tune and the benchmarks all call this code.
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { FlatLayout } from '../artifacts/flat-layout.ts';
import { TRAIN_STEP } from '../artifacts/train-step.ts';
import { epochBatches } from '../data/batches.ts';
import { Rng } from '../data/rng.ts';
import { gatherRows, type Examples } from '../data/windows.ts';
import type { ModelConfig } from '../graph/model.ts';
import { exampleDims, size, type ModelIO, type TrainableModel } from '../graph/trainable.ts';
import { parameterFeeds, rowFeeds } from './eval-model.ts';

/** The part of an ONNX Runtime module the engine uses: its Tensor class. */
export interface OrtModule {
  Tensor: typeof OrtTensor;
}

export type Session = Pick<InferenceSession, 'run' | 'inputNames' | 'outputNames'>;

/** What the engine needs to know of a model: where each parameter lives, the optimizer's states, and the model's
 *  input and output (names as eval_model.onnx has them, dims of one example: without the batch). */
export interface EngineSpec {
  layout: FlatLayout;
  /** Optimizer state names (manifest.optimizer.state): one [P] input and output each. */
  stateNames: readonly string[];
  input: { name: string; dims: number[] };
  output: { name: string; dims: number[] };
}

/** The spec a manifest describes (one written before manifests named the input and output: from its config). */
export function specOf(m: {
  parameters: readonly { name: string; dims: number[] }[]; optimizer: { state: readonly string[] }; config?: ModelConfig | null; input?: ModelIO; output?: ModelIO;
}): EngineSpec {
  const c = m.config;
  const input = m.input ?? (c && { name: 'x', dims: ['batch', c.window, c.features] });
  const output = m.output ?? (c && { name: 'y', dims: ['batch', c.outputs] });
  if (!input || !output) throw new Error('manifest: no input and output, and no config to derive them from');
  return {
    layout: new FlatLayout(m.parameters), stateNames: m.optimizer.state,
    input: { name: input.name, dims: exampleDims(input) }, output: { name: output.name, dims: exampleDims(output) },
  };
}

/** The spec of a model built in this process, for an optimizer with these state names. */
export function specFor(m: TrainableModel, stateNames: readonly string[]): EngineSpec {
  return {
    layout: new FlatLayout(m.params), stateNames,
    input: { name: m.input.name, dims: exampleDims(m.input) }, output: { name: m.output.name, dims: exampleDims(m.output) },
  };
}

/** Where training stands; a snapshot holds the runtime's tensors, so taking one copies nothing. */
export interface Snapshot {
  params: OrtTensor;
  states: OrtTensor[];
  step: number;
  rng: number;
}

/** The same, as plain arrays: what a checkpoint stores. */
export interface EngineState {
  params: Float32Array;
  /** By state name, in spec order. */
  states: Map<string, Float32Array>;
  /** Optimizer steps taken so far. */
  step: number;
  /** The shuffle stream's state. */
  rng: number;
}

/** A step's loss, or the parameters after the last update, stopped being finite. */
export class NonFiniteError extends Error {
  override name = 'NonFiniteError';
  constructor(
    readonly value: number,
    /** Global 1-based number of the step whose loss (or whose update, for the last) went bad. */
    readonly step: number,
    /** Index, among the batches of the call that failed, of that step. */
    readonly batch: number,
    readonly where: 'loss' | 'parameters',
  ) {
    super(where === 'loss' ? `the loss became ${value} at step ${step}` : `the parameters became non-finite at step ${step}`);
  }
}

/** Rows per evaluation run. */
export const EVAL_ROWS = 16384;

export interface EpochResult {
  /** Mean training loss over the epoch's rows (each batch weighted by its rows). */
  loss: number;
  batches: number;
}

export class TrainStepEngine {
  /** Parameters, optimizer state and step; the shuffle stream's state lives in `rng` alone. */
  private carry: Omit<Snapshot, 'rng'>;
  private readonly rng: Rng;
  private x = new Float32Array(0);
  private y = new Float32Array(0);

  constructor(
    private readonly ort: OrtModule,
    private readonly session: Session,
    readonly spec: EngineSpec,
    start: { params: Float32Array; states?: Float32Array[]; step?: number; rng: number },
  ) {
    checkSession(session, spec);
    const P = spec.layout.total;
    if (start.params.length !== P) throw new Error(`train step: ${start.params.length} parameter values for a model of ${P}`);
    const states = start.states ?? spec.stateNames.map(() => new Float32Array(P));
    states.forEach((s, i) => {
      if (s.length !== P) throw new Error(`train step: optimizer state "${spec.stateNames[i]}" has ${s.length} values, not ${P}`);
    });
    this.carry = { params: this.vector(start.params), states: states.map((s) => this.vector(s)), step: start.step ?? 0 };
    this.rng = new Rng(start.rng);
  }

  get step(): number {
    return this.carry.step;
  }

  snapshot(): Snapshot {
    return { ...this.carry, states: [...this.carry.states], rng: this.rng.state };
  }

  restore(s: Snapshot): void {
    this.carry = { params: s.params, states: [...s.states], step: s.step };
    this.rng.state = s.rng;
  }

  async params(): Promise<Float32Array> {
    return Float32Array.from((await this.carry.params.getData()) as Float32Array);
  }

  async state(): Promise<EngineState> {
    const states = new Map<string, Float32Array>();
    for (const [i, n] of this.spec.stateNames.entries()) states.set(n, Float32Array.from((await this.carry.states[i]!.getData()) as Float32Array));
    return { params: await this.params(), states, step: this.carry.step, rng: this.rng.state };
  }

  /** One epoch's batches (row numbers 0..rows-1), shuffled by the engine's stream. */
  epochBatches(rows: number, batchSize: number): Int32Array[] {
    return epochBatches(rows, batchSize, this.rng);
  }

  /**
   * One session run: an optimizer step per batch (rows of `ex`), in order, at learning rate `lr`. Returns each
   * step's loss. When a loss or the parameters afterwards are not finite it throws NonFiniteError and keeps the
   * state from before the run.
   */
  async run(ex: Examples, batches: readonly ArrayLike<number>[], lr: number): Promise<Float32Array> {
    const { Tensor } = this.ort;
    const { xs, ys } = checkExamples(ex, this.spec);
    const rows = batches.reduce((n, b) => n + b.length, 0);
    if (this.x.length < rows * xs) this.x = new Float32Array(rows * xs);
    if (this.y.length < rows * ys) this.y = new Float32Array(rows * ys);
    const offsets = new BigInt64Array(batches.length + 1);
    let at = 0;
    batches.forEach((b, k) => {
      gatherRows(ex, b, this.x, this.y, at);
      at += b.length;
      offsets[k + 1] = BigInt(at);
    });
    const feeds: Record<string, OrtTensor> = {
      [TRAIN_STEP.params]: this.carry.params,
      [TRAIN_STEP.step]: new Tensor('int64', BigInt64Array.of(BigInt(this.carry.step + 1)), [1]),
      [TRAIN_STEP.lr]: new Tensor('float32', Float32Array.of(lr), [1]),
      [TRAIN_STEP.x]: new Tensor('float32', this.x.subarray(0, rows * xs), [rows, ...this.spec.input.dims]),
      [TRAIN_STEP.target]: new Tensor('float32', this.y.subarray(0, rows * ys), [rows, ...this.spec.output.dims]),
      [TRAIN_STEP.offsets]: new Tensor('int64', offsets, [offsets.length]),
    };
    this.spec.stateNames.forEach((n, i) => (feeds[n] = this.carry.states[i]!));
    const out = await this.session.run(feeds);
    const losses = Float32Array.from((await out[TRAIN_STEP.losses]!.getData()) as Float32Array);
    const bad = losses.findIndex((l) => !Number.isFinite(l));
    if (bad >= 0) throw new NonFiniteError(losses[bad]!, this.carry.step + bad + 1, bad, 'loss');
    const l1 = ((await out[TRAIN_STEP.paramsL1]!.getData()) as Float32Array)[0]!;
    if (!Number.isFinite(l1)) throw new NonFiniteError(l1, this.carry.step + batches.length, batches.length - 1, 'parameters');
    this.carry = {
      params: out[TRAIN_STEP.paramsOut]!,
      states: this.spec.stateNames.map((n) => out[TRAIN_STEP.stateOut(n)]!),
      step: this.carry.step + batches.length,
    };
    return losses;
  }

  /**
   * `epochs` epochs over rows [a, b) of `ex`, shuffled, `stepsPerRun` optimizer steps per session run (runs span
   * epoch boundaries). On any error the engine is back where it was before this call (RNG included); a
   * non-finite loss or update throws EpochNonFiniteError, which says which of these epochs failed.
   */
  async trainEpochs(ex: Examples, [a, b]: readonly [number, number], o: { epochs: number; batchSize: number; lr: number; stepsPerRun?: number }): Promise<EpochResult[]> {
    const before = this.snapshot();
    const epochs = Array.from({ length: o.epochs }, () => this.epochBatches(b - a, o.batchSize).map((batch) => batch.map((r) => r + a)));
    const all = epochs.flat();
    const K = Math.max(1, o.stepsPerRun ?? all.length);
    const losses = new Float32Array(all.length);
    try {
      for (let k0 = 0; k0 < all.length; k0 += K) losses.set(await this.run(ex, all.slice(k0, k0 + K), o.lr), k0);
    } catch (e) {
      this.restore(before);
      throw e instanceof NonFiniteError ? new EpochNonFiniteError(e, epochOf(epochs, e.step - before.step - 1)) : e;
    }
    let first = 0;
    return epochs.map((eb) => {
      let sum = 0, n = 0;
      eb.forEach((rows, j) => {
        sum += losses[first + j]! * rows.length;
        n += rows.length;
      });
      first += eb.length;
      return { loss: sum / n, batches: eb.length };
    });
  }

  /** eval_model.onnx's predictions [b-a, ...output dims] (flat) for rows [a, b) of `ex` with the current
   *  parameters (or `flat`), run EVAL_ROWS rows at a time: ONNX Runtime's working memory grows with the rows of a run. */
  async predict(evalSession: Pick<InferenceSession, 'run'>, ex: Examples, [a, b]: readonly [number, number], flat?: Float32Array): Promise<Float32Array> {
    const { ys } = checkExamples(ex, this.spec);
    const params = parameterFeeds(this.ort, this.spec.layout, flat ?? (await this.params()));
    const name = this.spec.output.name;
    const y = new Float32Array((b - a) * ys);
    for (let r = a; r < b; r += EVAL_ROWS) {
      const end = Math.min(b, r + EVAL_ROWS);
      const out = await evalSession.run({ ...params, ...rowFeeds(this.ort, this.spec, ex, [r, end]) }, [name]);
      y.set((await out[name]!.getData()) as Float32Array, (r - a) * ys);
    }
    return y;
  }

  private vector(v: Float32Array): OrtTensor {
    return new this.ort.Tensor('float32', v, [v.length]);
  }
}

/** A NonFiniteError from trainEpochs, with the 0-based epoch of that call in which it happened. */
export class EpochNonFiniteError extends NonFiniteError {
  constructor(cause: NonFiniteError, readonly epoch: number) {
    super(cause.value, cause.step, cause.batch, cause.where);
  }
}

function epochOf(epochs: Int32Array[][], batch: number): number {
  let n = 0;
  for (const [i, e] of epochs.entries()) {
    n += e.length;
    if (batch < n) return i;
  }
  return epochs.length - 1;
}

/** Values per example in and out; the examples must be this model's. */
function checkExamples(ex: Examples, spec: EngineSpec): { xs: number; ys: number } {
  const xs = size(spec.input.dims), ys = size(spec.output.dims);
  if (ex.window * ex.features !== xs || ex.outputs !== ys) {
    throw new Error(`train step: examples of window ${ex.window} × ${ex.features} features and ${ex.outputs} outputs for a model whose input is [${spec.input.dims.join(', ')}] and output [${spec.output.dims.join(', ')}] per example`);
  }
  return { xs, ys };
}

/** The session must be a train step for this spec: one clear line instead of ONNX Runtime's missing-input error. */
function checkSession(s: Session, spec: EngineSpec): void {
  const inputs = [TRAIN_STEP.params, ...spec.stateNames, TRAIN_STEP.step, TRAIN_STEP.lr, TRAIN_STEP.x, TRAIN_STEP.target, TRAIN_STEP.offsets];
  const outputs = [TRAIN_STEP.paramsOut, ...spec.stateNames.map(TRAIN_STEP.stateOut), TRAIN_STEP.losses, TRAIN_STEP.paramsL1];
  const missing = [...inputs.filter((n) => !s.inputNames.includes(n)), ...outputs.filter((n) => !s.outputNames.includes(n))];
  if (missing.length) throw new Error(`not a train step for this model and optimizer: it lacks ${missing.map((n) => `"${n}"`).join(', ')} (rebuild the artifacts)`);
}
