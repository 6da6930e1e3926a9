import { adam, type AdamHyper } from './adam.ts';
import type { Optimizer, OptimizerName } from './optimizer.ts';
import { sgd, type SgdHyper } from './sgd.ts';

export type { Optimizer, OptimizerName, StepInputs } from './optimizer.ts';
export { adam, sgd };

export function makeOptimizer(name: OptimizerName, hyper: Partial<AdamHyper & SgdHyper> = {}): Optimizer {
  switch (name) {
    case 'adam': return adam(hyper);
    case 'adamw': return adam(hyper, true);
    case 'sgd': return sgd(hyper);
  }
}
