// Adam and AdamW with PyTorch's semantics: m by lerp, v by addcmul, eps added after dividing √v by the bias
// correction's square root, bias corrections from the step count; AdamW decays the weights before the update.
import type { Optimizer } from './optimizer.ts';

export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
  weight_decay: number;
}

export const ADAM_DEFAULTS: AdamHyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0 };
export const ADAMW_DEFAULTS: AdamHyper = { ...ADAM_DEFAULTS, weight_decay: 0.01 };

export function adam(h: Partial<AdamHyper> = {}, decoupled = false): Optimizer {
  const hyper = { ...(decoupled ? ADAMW_DEFAULTS : ADAM_DEFAULTS), ...h };
  return {
    name: decoupled ? 'adamw' : 'adam',
    stateNames: ['exp_avg', 'exp_avg_sq'],
    hyper: { ...hyper },
    scalars(o, { lr, step }) {
      const one = o.scalar(1);
      const bc1 = o.sub(one, o.pow(o.scalar(hyper.beta1), step));
      const bc2 = o.sub(one, o.pow(o.scalar(hyper.beta2), step));
      const k: Record<string, ReturnType<typeof o.scalar>> = { stepSize: o.div(lr, bc1), bc2sqrt: o.sqrt(bc2) };
      if (decoupled && hyper.weight_decay !== 0) k.decay = o.sub(one, o.mul(lr, o.scalar(hyper.weight_decay)));
      return k;
    },
    update(o, p, g, [m, v], k) {
      if (decoupled && k.decay) p = o.mul(p, k.decay);
      else if (!decoupled && hyper.weight_decay !== 0) g = o.add(g, o.mul(p, o.scalar(hyper.weight_decay)));
      const m2 = o.add(m!, o.mul(o.sub(g, m!), o.scalar(1 - hyper.beta1)));
      const v2 = o.add(o.mul(v!, o.scalar(hyper.beta2)), o.mul(o.mul(g, g), o.scalar(1 - hyper.beta2)));
      const denom = o.add(o.div(o.sqrt(v2), k.bc2sqrt!), o.scalar(hyper.eps));
      return { p: o.sub(p, o.mul(k.stepSize!, o.div(m2, denom))), state: [m2, v2] };
    },
  };
}
