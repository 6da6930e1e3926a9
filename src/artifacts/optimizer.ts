// optimizer_model.onnx: one optimizer step for every parameter, by name. Inputs learning_rate [1], step int64 [1],
// then per parameter <name>, <name>_grad, <name>.<state>...; outputs <name>.out, <name>.<state>.out...
import { Graph } from '../graph/graph.ts';
import { Ops } from '../graph/ops.ts';
import type { TrainableModel } from '../graph/trainable.ts';
import type { Optimizer } from '../optim/optimizer.ts';

export function optimizerGraph(m: Pick<TrainableModel, 'params'>, opt: Optimizer): Graph {
  const g = new Graph(`ingraph_${opt.name}`);
  const o = new Ops(g);
  const lr = g.input('learning_rate', 'float32', [1]);
  const step = g.input('step', 'int64', [1]);
  const k = opt.scalars(o, { lr, step: o.cast(step, 'float32') });
  const inputs = m.params.map((s) => ({
    name: s.name,
    p: g.input(s.name, 'float32', s.dims),
    grad: g.input(`${s.name}_grad`, 'float32', s.dims),
    state: opt.stateNames.map((n) => g.input(`${s.name}.${n}`, 'float32', s.dims)),
  }));
  for (const { name, p, grad, state } of inputs) {
    const r = opt.update(o, p, grad, state, k);
    g.output(r.p, `${name}.out`);
    r.state.forEach((v, i) => g.output(v, `${name}.${opt.stateNames[i]}.out`));
  }
  return g;
}
