// The LSTM's forward and backward emitted three ways, for the profile in docs/bench.md (not used by training):
//   'op'        ONNX's LSTM op, whose rule recomputes gates and cell states from Y (train_step before 7da0a92);
//   'composite' the forward unrolled into standard ops and declared a composite LSTM, so the same rule runs on the
//               gates and cells the forward kept (train_step's default for windows up to 64 since 7da0a92);
//   'plain'     the forward unrolled into standard ops with no LSTM rule at all: the generic autodiff
//               differentiates every node (a per-step backward, nothing batched over time).
// Same math, parameter names and layout (gate blocks i, o, f, c; B = input biases then recurrent biases).
import { trainingGraph } from '../../src/artifacts/training.ts';
import { Graph } from '../../src/graph/graph.ts';
import { forecaster, type ModelConfig } from '../../src/graph/model.ts';
import { linear } from '../../src/graph/layers/linear.ts';
import type { LstmParams } from '../../src/graph/layers/lstm.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Value } from '../../src/graph/value.ts';

export type LstmVariant = 'op' | 'composite' | 'plain';

/** The last step's hidden state [B, H] of a forward LSTM over time-major xTime [T, B, F], zero initial states,
 *  as plain nodes: one batched input product, then per step MatMul, Add, Split, Sigmoid, Tanh, Mul. */
export function plainLstm(o: Ops, xTime: Value, p: LstmParams, hidden: number, steps: number): Value {
  const H = hidden;
  const Wt = o.transpose(o.squeeze(p.W, [0]), [1, 0]); // [F, 4H]
  const Rt = o.transpose(o.squeeze(p.R, [0]), [1, 0]); // [H, 4H]
  const [wb, rb] = o.split(p.B, 1, [4 * H, 4 * H]);
  const xw = o.add(o.matmul(xTime, Wt), o.add(wb!, rb!)); // [T, B, 4H]
  const xs = steps === 1 ? [xw] : o.split(xw, 0, new Array<number>(steps).fill(1));
  let h: Value | null = null, c: Value | null = null;
  for (let t = 0; t < steps; t++) {
    const x = o.squeeze(xs[t]!, [0]);
    const pre: Value = h ? o.add(x, o.matmul(h, Rt)) : x;
    const [iof, gPre] = o.split(pre, 1, [3 * H, H]);
    const [i, og, f] = o.split(o.sigmoid(iof!), 1, [H, H, H]);
    const ig = o.mul(i!, o.tanh(gPre!));
    c = c ? o.add(o.mul(f!, c), ig) : ig;
    h = o.mul(og!, o.tanh(c));
  }
  return h!;
}

/** training_model.onnx's interface (x, target, parameters -> loss, <name>_grad) with the LSTM emitted as `v`. */
export function trainingGraphVariant(c: ModelConfig, v: LstmVariant): Graph {
  if (v !== 'plain') return trainingGraph(c, 'mse', (o, x, p) => forecaster(o, x, c, p, undefined, v === 'op' ? 'op' : 'unrolled'));
  if (c.layers !== 1 || c.dense.length) throw new Error("the 'plain' variant has one LSTM layer and no extra dense layers");
  return trainingGraph(c, 'mse', (o, x, p) => {
    const h = plainLstm(o, o.transpose(x, [1, 0, 2]), { W: p('lstm.W'), R: p('lstm.R'), B: p('lstm.B') }, c.hidden, c.window);
    return linear(o, o.relu(h), { weight: p('fc.weight'), bias: p('fc.bias') });
  });
}
