// model.onnx: x [batch, window, features] -> y [batch, outputs], weights as initializers, dynamic batch. When the
// model was trained on normalised data, the normalisation and its inverse are part of the graph, so the file
// takes and returns values in the data's own units.
import type { Normalizer } from '../data/normalize.ts';
import { Graph } from '../graph/graph.ts';
import { forecaster, type ModelConfig } from '../graph/model.ts';
import { Ops } from '../graph/ops.ts';
import type { Tensor } from '../onnx/tensor.ts';

export function inferenceGraph(c: ModelConfig, params: Map<string, Tensor>, norm: Normalizer | null = null): Graph {
  const g = new Graph('ingraph_forecaster');
  const o = new Ops(g);
  const x = g.input('x', 'float32', ['batch', c.window, c.features]);
  const weights = new Map([...params].map(([name, t]) => [name, g.initializer(name, t)]));
  const xn = norm ? o.div(o.sub(x, o.scalar(norm.mean)), o.scalar(norm.std)) : x;
  const y = forecaster(o, xn, c, (name) => weights.get(name)!, norm ? undefined : 'y');
  g.output(norm ? o.add(o.mul(y, o.scalar(norm.std)), o.scalar(norm.mean), 'y') : y);
  return g;
}
