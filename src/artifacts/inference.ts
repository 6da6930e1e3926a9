// model.onnx: x [batch, window, features] -> y [batch, outputs], weights as initializers, dynamic batch.
import { Graph } from '../graph/graph.ts';
import { forecaster, type ModelConfig } from '../graph/model.ts';
import { Ops } from '../graph/ops.ts';
import type { Tensor } from '../onnx/tensor.ts';

export function inferenceGraph(c: ModelConfig, params: Map<string, Tensor>): Graph {
  const g = new Graph('ingraph_forecaster');
  const x = g.input('x', 'float32', ['batch', c.window, c.features]);
  const weights = new Map([...params].map(([name, t]) => [name, g.initializer(name, t)]));
  const y = forecaster(new Ops(g), x, c, (name) => weights.get(name)!, 'y');
  g.output(y);
  return g;
}
