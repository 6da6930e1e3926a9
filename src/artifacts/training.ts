// training_model.onnx and eval_model.onnx: the forward pass with parameters as graph inputs, the loss, and (for
// training) every parameter's gradient from our reverse-mode autodiff.
import { gradients } from '../autodiff/backward.ts';
import { Graph } from '../graph/graph.ts';
import { loss } from '../graph/losses.ts';
import { forecaster, parameterSpecs, type ModelConfig } from '../graph/model.ts';
import { Ops } from '../graph/ops.ts';
import type { Value } from '../graph/value.ts';
import type { GraphChoices } from './train-step.ts';

/** Names of both graphs' inputs and outputs (besides the parameters, which go by their own names). */
export const TRAINING_IO = { x: 'x', target: 'target', loss: 'loss', y: 'y' } as const;

/** The inputs both graphs take: x [batch, window, features], target [batch, outputs], then every parameter. */
function modelInputs(g: Graph, c: ModelConfig): { x: Value; target: Value; params: Map<string, Value> } {
  const x = g.input(TRAINING_IO.x, 'float32', ['batch', c.window, c.features]);
  const target = g.input(TRAINING_IO.target, 'float32', ['batch', c.outputs]);
  const params = new Map<string, Value>(parameterSpecs(c).map((s) => [s.name, g.input(s.name, 'float32', s.dims)]));
  return { x, target, params };
}

/** A forward pass x -> y from parameter values; the forecaster unless another is given (benchmarks compare forms). */
export type Forward = (o: Ops, x: Value, param: (name: string) => Value) => Value;

/** training_model.onnx. Its forward pass is the LSTM op's (choices.lstmForward applies to the fused step only);
 *  `forward` replaces it (benchmarks compare forms). */
export function trainingGraph(c: ModelConfig, choices: GraphChoices = {}, forward?: Forward): Graph {
  const g = new Graph('ingraph_training');
  const o = new Ops(g);
  const { x, target, params } = modelInputs(g, c);
  const p = (n: string) => params.get(n)!;
  const y = forward ? forward(o, x, p) : forecaster(o, x, c, p);
  const l = loss(o, choices.loss ?? 'mse', y, target, TRAINING_IO.loss);
  g.output(l);
  const grads = gradients(g, l, [...params.values()], { recurrence: choices.recurrence });
  for (const [name, v] of params) g.output(grads.get(v)!, `${name}_grad`);
  return g;
}

export function evalGraph(c: ModelConfig, choices: Pick<GraphChoices, 'loss'> = {}): Graph {
  const g = new Graph('ingraph_eval');
  const o = new Ops(g);
  const { x, target, params } = modelInputs(g, c);
  const y = forecaster(o, x, c, (n) => params.get(n)!, TRAINING_IO.y);
  g.output(loss(o, choices.loss ?? 'mse', y, target, TRAINING_IO.loss));
  g.output(y);
  return g;
}
