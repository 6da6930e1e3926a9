// train_step.onnx, the graph the trainer runs: K optimizer steps in one run, as an ONNX Loop over K batches, so
// parameters and optimizer state stay inside ONNX Runtime (on the GPU under CUDA) between steps. Parameters and
// state travel as flat vectors (flat-layout.ts): one tensor each to copy per run, one optimizer update for all.
// TRAIN_STEP names its inputs and outputs; src/engine is the one driver of this calling convention.
import { gradients } from '../autodiff/backward.ts';
import type { RecurrenceMode } from '../autodiff/registry.ts';
import { Graph } from '../graph/graph.ts';
import { loss, type LossName } from '../graph/losses.ts';
import type { LstmForward } from '../graph/model.ts';
import { attr } from '../graph/node.ts';
import { Ops } from '../graph/ops.ts';
import { prune } from '../graph/prune.ts';
import { Tensor } from '../onnx/tensor.ts';
import { modelGraph, paramLookup, type TrainableModel } from '../graph/trainable.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { FlatLayout } from './flat-layout.ts';

/** The calling convention of train_step.onnx:
 *   inputs:  params [P], <state> [P] for each optimizer state, step int64 [1] (1-based number of the first update),
 *            learning_rate [1], x [R, ...input dims], target [R, ...output dims], offsets int64 [K+1]
 *            (batch k is rows offsets[k] .. offsets[k+1] of x and target)
 *   outputs: params.out, <state>.out for each state, losses [K] (loss of each step, before its update),
 *            params.l1 (Σ|params.out|: not finite when any parameter is not, so the last update is checked too) */
export const TRAIN_STEP = {
  params: 'params',
  step: 'step',
  lr: 'learning_rate',
  x: 'x',
  target: 'target',
  offsets: 'offsets',
  paramsOut: 'params.out',
  losses: 'losses',
  paramsL1: 'params.l1',
  stateOut: (state: string) => `${state}.out`,
} as const;

/** The model's parameters in manifest order. */
export function flatLayout(m: Pick<TrainableModel, 'params'>): FlatLayout {
  return new FlatLayout(m.params);
}

export interface GraphChoices {
  loss?: LossName;
  /** The LSTM backward's recurrence form. */
  recurrence?: RecurrenceMode;
  /** The recurrent layers' forward form in the train step (default: the model's own choice). */
  lstmForward?: LstmForward;
}

export function trainStepGraph(m: TrainableModel, opt: Optimizer, choices: GraphChoices = {}): Graph {
  const lossKind = choices.loss ?? 'mse';
  const lstmForward = choices.lstmForward ?? m.defaultForward;
  const g = modelGraph(`${m.name}_train_step`, m);
  const o = new Ops(g);
  const { entries, total: P } = flatLayout(m);
  const params = g.input(TRAIN_STEP.params, 'float32', [P]);
  const states = opt.stateNames.map((n) => g.input(n, 'float32', [P]));
  const step = g.input(TRAIN_STEP.step, 'int64', [1]);
  const lr = g.input(TRAIN_STEP.lr, 'float32', [1]);
  const x = g.input(TRAIN_STEP.x, 'float32', ['rows', ...m.input.dims.slice(1)]);
  const target = g.input(TRAIN_STEP.target, 'float32', ['rows', ...m.output.dims.slice(1)]);
  const offsets = g.input(TRAIN_STEP.offsets, 'int64', ['batches_plus_one']);

  // The optimizer's per-step scalars (bias corrections…) depend on the step number alone: computed for all K steps
  // at once outside the Loop, they cost one Gather each per step instead of their whole chain.
  const trips = o.squeeze(o.sub(o.shape(offsets), o.ints([1])), [0]);
  const stepsOfRun = g.add('Range', [o.g.constant(Tensor.int64([], [0])), trips, o.g.constant(Tensor.int64([], [1]))], {})[0]!;
  const t = o.cast(o.add(step, stepsOfRun), 'float32');
  const kAll = Object.fromEntries(Object.entries(opt.scalars(o, { lr, step: t })).map(([name, v]) => [name, o.expand(v, o.shape(t))]));

  const starts = o.unsqueeze(o.slice(offsets, [0], [-1], [0]), [1]);
  const ends = o.unsqueeze(o.slice(offsets, [1], [Number.MAX_SAFE_INTEGER], [0]), [1]);

  const body = g.subgraph('train_step_body');
  const b = new Ops(body);
  const iter = body.input('iter', 'int64', [], true);
  const condIn = body.input('cond', 'bool', [], true);
  const pIn = body.input('params_in', 'float32', [P], true);
  const sIn = opt.stateNames.map((n) => body.input(`${n}_in`, 'float32', [P], true));

  // This iteration's batch: rows offsets[iter] .. offsets[iter+1], gathered from [K, 1] bounds made outside the Loop.
  const start = b.gather(starts, iter);
  const end = b.gather(ends, iter);
  const xb = b.sliceDynamic(x, start, end, [0]);
  const tb = b.sliceDynamic(target, start, end, [0]);

  const pieces = b.split(pIn, 0, entries.map((e) => e.size));
  const named = new Map(entries.map((e, i) => [e.name, b.reshape(pieces[i]!, e.dims)]));
  const y = m.forward(b, xb, paramLookup(g, m, named), { lstmForward });
  const l = loss(b, lossKind, y, tb);
  const grads = gradients(body, l, [...named.values()], { recurrence: choices.recurrence });
  const flatGrad = b.concat(entries.map((e) => b.reshape(grads.get(named.get(e.name)!)!, [-1])), 0);

  const k = Object.fromEntries(Object.entries(kAll).map(([name, v]) => [name, b.gather(v, iter)]));
  const r = opt.update(b, pIn, flatGrad, sIn, k);
  body.output(b.identity(condIn));
  body.output(r.p);
  r.state.forEach((v) => body.output(v));
  body.output(l);

  const outs = g.add('Loop', [trips, null, params, ...states], { body: attr.graph(body) }, {
    types: [
      { dtype: 'float32', shape: [P] },
      ...states.map(() => ({ dtype: 'float32' as const, shape: [P] })),
      { dtype: 'float32', shape: ['batches'] },
    ],
  });
  g.output(outs[0]!, TRAIN_STEP.paramsOut);
  opt.stateNames.forEach((n, i) => g.output(outs[1 + i]!, TRAIN_STEP.stateOut(n)));
  g.output(outs[outs.length - 1]!, TRAIN_STEP.losses);
  g.output(o.reduceSum(o.abs(outs[0]!), [0], false), TRAIN_STEP.paramsL1);
  // The forward pass emits what inference needs (all steps' outputs) and the loss may not: drop what nothing reads.
  prune(g);
  return g;
}
