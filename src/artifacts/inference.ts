// model.onnx: the model's input -> its output, weights as initializers, dynamic batch. A model's preprocessing is
// part of its forward pass (src/graph/preprocess.ts), so the file takes and returns values in the data's own units.
import { Graph } from '../graph/graph.ts';
import { Ops } from '../graph/ops.ts';
import { paramLookup, type TrainableModel } from '../graph/trainable.ts';
import type { Tensor } from '../onnx/tensor.ts';

export function inferenceGraph(m: TrainableModel, params: Map<string, Tensor>): Graph {
  const g = new Graph(m.name === 'ingraph' ? 'ingraph_forecaster' : m.name);
  const o = new Ops(g);
  const x = g.input(m.input.name, 'float32', m.input.dims);
  const weights = new Map(m.params.map(({ name }) => {
    const t = params.get(name);
    if (!t) throw new Error(`model ${m.name}: no values for parameter "${name}"`);
    return [name, g.initializer(name, t)];
  }));
  g.output(m.forward(o, x, paramLookup(g, m, weights), { lstmForward: 'op', outName: m.output.name }), m.output.name);
  return g;
}
