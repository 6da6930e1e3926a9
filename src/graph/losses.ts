// Losses as graph pieces, each a mean over all elements like PyTorch's default reduction='mean'.
import type { Ops } from './ops.ts';
import type { Value } from './value.ts';

export const LOSS_NAMES = ['mse', 'l1', 'huber'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

export function loss(o: Ops, kind: LossName, y: Value, target: Value, name?: string, delta = 1): Value {
  const d = o.sub(y, target);
  switch (kind) {
    case 'mse':
      return o.reduceMean(o.mul(d, d), null, false, name);
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
