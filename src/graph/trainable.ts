// What the artifact builders train: a model with one data input, one output, named trainable parameters, frozen
// values, and a forward pass written against the builder. ingraph's own forecaster is one (model.ts); a model loaded
// from another tool's ONNX file is another. Every artifact (model.onnx, the training, eval, optimizer and train-step
// graphs), the manifest, the engine and the trainer work from this one description.
import type { Tensor } from '../onnx/tensor.ts';
import type { Graph } from './graph.ts';
import type { LstmForward, ModelConfig } from './model.ts';
import type { Preprocess } from './preprocess.ts';
import type { Ops } from './ops.ts';
import type { Dim, Value } from './value.ts';

/** A graph input or output: its name and dims, the first being the batch (a symbol, 'batch'). */
export interface ModelIO {
  name: string;
  dims: Dim[];
}

export interface ForwardOptions {
  /** How recurrent layers are emitted: their ONNX op, or unrolled into standard ops (fixed window). */
  lstmForward: LstmForward;
  /** The name of the output value, when the graph's output should carry it. */
  outName?: string;
}

export interface TrainableModel {
  /** Graph names derive from it (`<name>_training`, ...). */
  name: string;
  input: ModelIO;
  output: ModelIO;
  /** The trained parameters, in flat-layout (manifest) order. */
  params: readonly { name: string; dims: number[] }[];
  /** Values of the model that are not trained: initializers of every graph. */
  frozen: ReadonlyMap<string, Tensor>;
  /** The recurrent form the train step uses unless told otherwise (unrolled is faster for short fixed windows). */
  defaultForward: LstmForward;
  /** The builder's settings, when this is ingraph's own forecaster (written to the manifest). */
  config?: ModelConfig;
  /** What the forward pass does to raw values around the network (see preprocess.ts), when anything. */
  preprocess?: Preprocess;
  /** The forward pass x -> y; `param` gives every parameter and frozen value by name, wherever it lives in a graph. */
  forward(o: Ops, x: Value, param: (name: string) => Value, opts: ForwardOptions): Value;
}

/** Per-example dims (without the batch): every model input and output dim but the first must be fixed. */
export function exampleDims(io: ModelIO): number[] {
  const rest = io.dims.slice(1);
  if (!rest.every((d): d is number => typeof d === 'number')) throw new Error(`${io.name}: dims [${io.dims.join(', ')}] have a dynamic size after the batch`);
  return rest;
}

export const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** `param` for a graph: trained parameters from `trained` (inputs, loop state, initializers, wherever they live),
 *  frozen values as initializers of `g`'s root, made on first use. Unknown names fail loudly. */
export function paramLookup(g: Graph, m: TrainableModel, trained: ReadonlyMap<string, Value>): (name: string) => Value {
  const frozen = new Map<string, Value>();
  return (name) => {
    const v = trained.get(name) ?? frozen.get(name);
    if (v) return v;
    const t = m.frozen.get(name);
    if (!t) throw new Error(`model ${m.name}: no parameter or frozen value "${name}"`);
    const f = g.initializer(name, t);
    frozen.set(name, f);
    return f;
  };
}
