// Losses as graph pieces, each a mean over all elements like PyTorch's default reduction='mean'.
import type { Ops } from './ops.ts';
import type { Value } from './value.ts';

export const LOSS_NAMES = ['mse', 'l1', 'huber'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** The op name autodiff knows the MSE composite by (src/autodiff/rules/losses.ts); not an ONNX op. */
export const MSE_COMPOSITE = 'MeanSquaredError';

export function loss(o: Ops, kind: LossName, y: Value, target: Value, name?: string, delta = 1): Value {
  const from = o.g.nodes.length;
  const d = o.sub(y, target);
  switch (kind) {
    case 'mse': {
      // A composite (as the unrolled LSTM is): its rule emits 2·d/N in four nodes, where differentiating ReduceMean
      // and Mul(d, d) one by one took ten (Shape, Expand, two Size, two Div, Cast, Unsqueeze, Mul, Add).
      const l = o.reduceMean(o.mul(d, d), null, false, name);
      o.g.composite(MSE_COMPOSITE, from, [y, target], [l], {}, { d });
      return l;
    }
    case 'l1':
      return o.reduceMean(o.abs(d), null, false, name);
    case 'huber': {
      // 0.5·d² inside |d| < delta, delta·(|d| - 0.5·delta) outside: torch.nn.HuberLoss.
      const a = o.abs(d);
      const quad = o.mul(o.scalar(0.5), o.mul(d, d));
      const lin = o.mul(o.scalar(delta), o.sub(a, o.scalar(0.5 * delta)));
      return o.reduceMean(o.where(o.less(a, o.scalar(delta)), quad, lin), null, false, name);
    }
  }
}
