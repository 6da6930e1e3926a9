// The tutorial as written never calls optimizer.zero_grad(), so PyTorch adds every step's gradient to the ones
// before it and the optimizer sees the running sum. Reproduced only when asked (--accumulate-grad): the sum is one
// more state tensor, `grad_sum`, and the wrapped optimizer is given it in place of the step's gradient.
import type { Optimizer } from './optimizer.ts';

export function accumulating(inner: Optimizer): Optimizer {
  return {
    ...inner,
    stateNames: [...inner.stateNames, 'grad_sum'],
    hyper: { ...inner.hyper, accumulate_grad: 1 },
    update(o, p, g, state, k) {
      const sum = o.add(state[state.length - 1]!, g);
      const r = inner.update(o, p, sum, state.slice(0, -1), k);
      return { p: r.p, state: [...r.state, sum] };
    },
  };
}
