// model.onnx: the model's input -> its output, weights as initializers, dynamic batch. When the model was trained on
// normalised data, the normalisation and its inverse are part of the graph, so the file takes and returns values
// in the data's own units.
import type { Normalizer } from '../data/normalize.ts';
import { Graph } from '../graph/graph.ts';
import { Ops } from '../graph/ops.ts';
import { paramLookup, type TrainableModel } from '../graph/trainable.ts';
import type { Tensor } from '../onnx/tensor.ts';

export function inferenceGraph(m: TrainableModel, params: Map<string, Tensor>, norm: Normalizer | null = null): Graph {
  const g = new Graph(m.name === 'ingraph' ? 'ingraph_forecaster' : m.name);
  const o = new Ops(g);
  const x = g.input(m.input.name, 'float32', m.input.dims);
  const weights = new Map(m.params.map(({ name }) => {
    const t = params.get(name);
    if (!t) throw new Error(`model ${m.name}: no values for parameter "${name}"`);
    return [name, g.initializer(name, t)];
  }));
  const xn = norm ? o.div(o.sub(x, o.scalar(norm.mean)), o.scalar(norm.std)) : x;
  const y = m.forward(o, xn, paramLookup(g, m, weights), { lstmForward: 'op', outName: norm ? undefined : m.output.name });
  g.output(norm ? o.add(o.mul(y, o.scalar(norm.std)), o.scalar(norm.mean), m.output.name) : y, m.output.name);
  return g;
}
