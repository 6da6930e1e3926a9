// training_model.onnx and eval_model.onnx: the forward pass with parameters as graph inputs, the loss, and (for
// training) every parameter's gradient from our reverse-mode autodiff.
import { gradients } from '../autodiff/backward.ts';
import { Graph } from '../graph/graph.ts';
import { loss } from '../graph/losses.ts';
import { Ops } from '../graph/ops.ts';
import { modelGraph, paramLookup, type TrainableModel } from '../graph/trainable.ts';
import type { Value } from '../graph/value.ts';
import type { GraphChoices } from './train-step.ts';

/** Names of both graphs' inputs and outputs besides the model's own input and output and the parameters. */
export const TRAINING_IO = { target: 'target', loss: 'loss' } as const;

/** The inputs both graphs take: the model's input by its own name, target (the output's shape), every parameter. */
function modelInputs(g: Graph, m: TrainableModel): { x: Value; target: Value; params: Map<string, Value> } {
  const x = g.input(m.input.name, 'float32', m.input.dims);
  const target = g.input(TRAINING_IO.target, 'float32', m.output.dims);
  const params = new Map<string, Value>(m.params.map((s) => [s.name, g.input(s.name, 'float32', s.dims)]));
  return { x, target, params };
}

/** training_model.onnx. Its recurrent layers use their ONNX ops (choices.lstmForward applies to the fused step only). */
export function trainingGraph(m: TrainableModel, choices: GraphChoices = {}): Graph {
  const g = modelGraph(`${m.name}_training`, m);
  const o = new Ops(g);
  const { x, target, params } = modelInputs(g, m);
  const y = m.forward(o, x, paramLookup(g, m, params), { lstmForward: 'op' });
  const l = loss(o, choices.loss ?? 'mse', y, target, TRAINING_IO.loss);
  g.output(l);
  const grads = gradients(g, l, [...params.values()], { recurrence: choices.recurrence });
  for (const [name, v] of params) g.output(grads.get(v)!, `${name}_grad`);
  return g;
}

export function evalGraph(m: TrainableModel, choices: Pick<GraphChoices, 'loss'> = {}): Graph {
  const g = modelGraph(`${m.name}_eval`, m);
  const o = new Ops(g);
  const { x, target, params } = modelInputs(g, m);
  const y = m.forward(o, x, paramLookup(g, m, params), { lstmForward: 'op', outName: m.output.name });
  g.output(loss(o, choices.loss ?? 'mse', y, target, TRAINING_IO.loss));
  g.output(y, m.output.name);
  return g;
}
