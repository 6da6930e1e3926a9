import { accumulating } from './accumulate.ts';
import { adam, type AdamHyper } from './adam.ts';
import type { Optimizer, OptimizerName } from './optimizer.ts';
import { sgd, type SgdHyper } from './sgd.ts';

export { OPTIMIZER_NAMES, type Optimizer, type OptimizerName, type StepInputs } from './optimizer.ts';
export { accumulating, adam, sgd };

/** `accumulate`: gradients are summed over steps, never zeroed (the tutorial's loop as written). */
export function makeOptimizer(name: OptimizerName, hyper: Partial<AdamHyper & SgdHyper> = {}, accumulate = false): Optimizer {
  const opt = name === 'adam' ? adam(hyper) : name === 'adamw' ? adam(hyper, true) : sgd(hyper);
  return accumulate ? accumulating(opt) : opt;
}
