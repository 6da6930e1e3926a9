// A value in a graph: an object with its type, its producer and its uses; its name comes from the graph's namer.
import type { DType } from '../onnx/dtype.ts';
import type { Tensor } from '../onnx/tensor.ts';
import type { Graph } from './graph.ts';
import type { Node } from './node.ts';

/** A dimension: a fixed size, a symbol shared by dims known to be equal ('batch'), or unknown (null). */
export type Dim = number | string | null;
export type Shape = readonly Dim[];

/** A constant value's integers (axes, shapes…), or undefined when v is not a constant. */
export const constInts = (v: Value | null | undefined): number[] | undefined => v?.constValue?.numbers();

export class Value {
  producer: Node | null = null;
  readonly uses: Node[] = [];
  /** Set for constants, so shape inference can read shapes and axes given as inputs. */
  constValue: Tensor | null = null;

  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape | null,
  ) {}

  get rank(): number {
    if (!this.shape) throw new Error(`value "${this.name}" has unknown rank`);
    return this.shape.length;
  }

  toString(): string {
    return `${this.name}: ${this.dtype}[${this.shape ? this.shape.map((d) => d ?? '?').join(',') : '...'}]`;
  }
}
