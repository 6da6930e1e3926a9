// A node: an op, its input values (null for an omitted optional input), its outputs and typed attributes.
import type { Tensor } from '../onnx/tensor.ts';
import type { Graph } from './graph.ts';
import type { Value } from './value.ts';

/** Attribute types are explicit: a JavaScript number cannot tell INT from FLOAT. */
export type Attr =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'string'; value: string }
  | { type: 'ints'; value: number[] }
  | { type: 'floats'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensor'; value: Tensor }
  | { type: 'graph'; value: Graph };

export type Attrs = Record<string, Attr>;

export const attr = {
  int: (value: number): Attr => ({ type: 'int', value }),
  float: (value: number): Attr => ({ type: 'float', value }),
  string: (value: string): Attr => ({ type: 'string', value }),
  ints: (value: number[]): Attr => ({ type: 'ints', value }),
  floats: (value: number[]): Attr => ({ type: 'floats', value }),
  strings: (value: string[]): Attr => ({ type: 'strings', value }),
  graph: (value: Graph): Attr => ({ type: 'graph', value }),
};

export class Node {
  constructor(
    readonly op: string,
    readonly name: string,
    readonly inputs: readonly (Value | null)[],
    readonly outputs: readonly Value[],
    readonly attrs: Attrs,
  ) {}

  int(name: string, fallback: number): number {
    const a = this.attrs[name];
    return a && a.type === 'int' ? a.value : fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.attrs[name];
    return a && a.type === 'ints' ? a.value : undefined;
  }

  float(name: string, fallback: number): number {
    const a = this.attrs[name];
    return a && a.type === 'float' ? a.value : fallback;
  }

  string(name: string, fallback: string): string {
    const a = this.attrs[name];
    return a && a.type === 'string' ? a.value : fallback;
  }
}
