// The gradient table: op name -> rule. A rule gets the node's inputs I(i), outputs O(i) and the gradients of its
// outputs GO(i) (null: symbolically zero, nothing was emitted) and returns one gradient per input, or null.
import type { Node } from '../graph/node.ts';
import type { Ops } from '../graph/ops.ts';
import type { Value } from '../graph/value.ts';

/** How a recurrence's backward pass is emitted: a Scan (any window), unrolled (fixed window, fewer node launches),
 *  or 'auto' (unrolled up to MAX_UNROLLED_WINDOW steps). */
export const RECURRENCE_MODES = ['auto', 'scan', 'unrolled'] as const;
export type RecurrenceMode = (typeof RECURRENCE_MODES)[number];

/** Choices that change what the backward pass emits; passed down from gradients() to every rule. */
export interface GradOptions {
  recurrence: RecurrenceMode;
}

export const DEFAULT_GRAD_OPTIONS: GradOptions = { recurrence: 'auto' };

export interface GradContext {
  /** Emits into the graph being differentiated. */
  o: Ops;
  node: Node;
  I(i: number): Value;
  O(i: number): Value;
  GO(i: number): Value | null;
  /** Whether input i lies on a path to a parameter: rules skip the work for inputs that need no gradient. */
  needs(i: number): boolean;
  /** For a composite (an op unrolled into standard ops): intermediates its forward pass kept for the rule. */
  saved?: Record<string, Value | Value[]>;
  options: GradOptions;
}

export type GradRule = (c: GradContext) => (Value | null)[];

const table = new Map<string, GradRule>();

export function defineGrad(op: string, rule: GradRule): void {
  if (table.has(op)) throw new Error(`gradient rule for ${op} is defined twice`);
  table.set(op, rule);
}

export function gradRule(op: string): GradRule | undefined {
  return table.get(op);
}

export function registeredOps(): string[] {
  return [...table.keys()].sort();
}
