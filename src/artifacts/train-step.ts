// train_step.onnx, the graph the trainer runs: K optimizer steps in one run, as an ONNX Loop over K batches, so
// parameters and optimizer state stay inside ONNX Runtime (on the GPU under CUDA) between steps. Parameters and
// state travel as flat vectors: one tensor each to copy per run, and one optimizer update for all parameters.
//   inputs:  params [P], <state> [P] for each optimizer state, step int64 [1] (1-based number of the first update),
//            learning_rate [1], x [R, window, features], target [R, outputs], offsets int64 [K+1]
//            (batch k is rows offsets[k] .. offsets[k+1] of x and target)
//   outputs: params.out, <state>.out, losses [K]
import { gradients } from '../autodiff/backward.ts';
import { Graph } from '../graph/graph.ts';
import { loss, type LossName } from '../graph/losses.ts';
import { forecaster, parameterSpecs, type LstmForward, type ModelConfig } from '../graph/model.ts';
import { attr } from '../graph/node.ts';
import { Ops } from '../graph/ops.ts';
import type { Optimizer } from '../optim/optimizer.ts';

export interface FlatEntry {
  name: string;
  dims: number[];
  offset: number;
  size: number;
}

/** Where each parameter lives in the flat vector: manifest order, row-major. */
export function flatLayout(c: ModelConfig): { entries: FlatEntry[]; total: number } {
  let offset = 0;
  const entries = parameterSpecs(c).map((s) => {
    const size = s.dims.reduce((a, b) => a * b, 1);
    const e = { name: s.name, dims: s.dims, offset, size };
    offset += size;
    return e;
  });
  return { entries, total: offset };
}

/** The unrolled LSTM forward pass is the default for windows up to this length (it measured faster: docs/perf.md). */
export const UNROLL_FORWARD_LIMIT = 64;

export function defaultLstmForward(c: ModelConfig): LstmForward {
  return c.window <= UNROLL_FORWARD_LIMIT ? 'unrolled' : 'op';
}

export function trainStepGraph(c: ModelConfig, opt: Optimizer, lossKind: LossName = 'mse', lstmForward: LstmForward = defaultLstmForward(c)): Graph {
  const g = new Graph('ingraph_train_step');
  const o = new Ops(g);
  const { entries, total: P } = flatLayout(c);
  const params = g.input('params', 'float32', [P]);
  const states = opt.stateNames.map((n) => g.input(n, 'float32', [P]));
  const step = g.input('step', 'int64', [1]);
  const lr = g.input('learning_rate', 'float32', [1]);
  const x = g.input('x', 'float32', ['rows', c.window, c.features]);
  const target = g.input('target', 'float32', ['rows', c.outputs]);
  const offsets = g.input('offsets', 'int64', ['batches_plus_one']);

  const body = g.subgraph('train_step_body');
  const b = new Ops(body);
  const iter = body.input('iter', 'int64', [], true);
  const condIn = body.input('cond', 'bool', [], true);
  const pIn = body.input('params_in', 'float32', [P], true);
  const sIn = opt.stateNames.map((n) => body.input(`${n}_in`, 'float32', [P], true));

  // This iteration's batch: rows offsets[iter] .. offsets[iter+1].
  const i0 = b.unsqueeze(iter, [0]);
  const i1 = b.add(i0, b.ints([1]));
  const start = b.sliceDynamic(offsets, i0, i1, [0]);
  const end = b.sliceDynamic(offsets, i1, b.add(i1, b.ints([1])), [0]);
  const xb = b.sliceDynamic(x, start, end, [0]);
  const tb = b.sliceDynamic(target, start, end, [0]);

  const pieces = b.split(pIn, 0, entries.map((e) => e.size));
  const named = new Map(entries.map((e, i) => [e.name, b.reshape(pieces[i]!, e.dims)]));
  const y = forecaster(b, xb, c, (n) => named.get(n)!, undefined, lstmForward);
  const l = loss(b, lossKind, y, tb);
  const grads = gradients(body, l, [...named.values()]);
  const flatGrad = b.concat(entries.map((e) => b.reshape(grads.get(named.get(e.name)!)!, [-1])), 0);

  const t = b.cast(b.add(step, i0), 'float32');
  const k = opt.scalars(b, { lr, step: t });
  const r = opt.update(b, pIn, flatGrad, sIn, k);
  body.output(b.identity(condIn));
  body.output(r.p);
  r.state.forEach((v) => body.output(v));
  body.output(l);

  const trips = o.squeeze(o.sub(o.shape(offsets), o.ints([1])), [0]);
  const outs = g.add('Loop', [trips, null, params, ...states], { body: attr.graph(body) }, {
    types: [
      { dtype: 'float32', shape: [P] },
      ...states.map(() => ({ dtype: 'float32' as const, shape: [P] })),
      { dtype: 'float32', shape: ['batches'] },
    ],
  });
  g.output(outs[0]!, 'params.out');
  opt.stateNames.forEach((n, i) => g.output(outs[1 + i]!, `${n}.out`));
  g.output(outs[outs.length - 1]!, 'losses');
  return g;
}
