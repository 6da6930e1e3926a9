// An optimizer is a graph builder: (parameter, gradient, state) -> (parameter', state'), with the per-step scalars
// (bias corrections, step size) built once per step and shared by every parameter it updates.
import type { Ops } from '../graph/ops.ts';
import type { Value } from '../graph/value.ts';

export const OPTIMIZER_NAMES = ['adam', 'adamw', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Elementwise: the train step passes every step of its run at once ([K]), optimizer_model one step ([1]). */
export interface StepInputs {
  /** float32 [1] */
  lr: Value;
  /** float32 [1] or [K]: the 1-based number of each update */
  step: Value;
}

export interface Optimizer {
  name: OptimizerName;
  /** Per-parameter state tensors, named `<param>.<state>` in optimizer_model.onnx and checkpoints. */
  stateNames: string[];
  hyper: Record<string, number>;
  scalars(o: Ops, s: StepInputs): Record<string, Value>;
  update(o: Ops, p: Value, g: Value, state: Value[], k: Record<string, Value>): { p: Value; state: Value[] };
}
