// SGD with momentum as PyTorch does it (dampening 0): buf = momentum·buf + g (buf starts at zero, so the first
// step's buf is g), p -= lr·buf. Weight decay adds wd·p to the gradient.
import type { Optimizer } from './optimizer.ts';

export interface SgdHyper {
  momentum: number;
  weight_decay: number;
}

export function sgd(h: Partial<SgdHyper> = {}): Optimizer {
  const hyper: SgdHyper = { momentum: 0.9, weight_decay: 0, ...h };
  return {
    name: 'sgd',
    stateNames: ['momentum_buffer'],
    hyper: { ...hyper },
    scalars: (_o, { lr }) => ({ lr }),
    update(o, p, g, [buf], k) {
      if (hyper.weight_decay !== 0) g = o.add(g, o.mul(p, o.scalar(hyper.weight_decay)));
      const b2 = hyper.momentum === 0 ? g : o.add(o.mul(buf!, o.scalar(hyper.momentum)), g);
      return { p: o.sub(p, o.mul(k.lr!, b2)), state: [hyper.momentum === 0 ? buf! : b2] };
    },
  };
}
