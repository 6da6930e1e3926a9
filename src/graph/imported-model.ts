// A model loaded from another tool's ONNX file (src/onnx/load-graph.ts) as a TrainableModel, so that every artifact
// builder, the engine and the trainer take it as they take ingraph's own forecaster. Its forward pass replays the
// canonical graph (src/graph/canonical.ts) into whatever graph is being built; in the train step its LSTM and GRU
// ops become the unrolled composites our own layers use, so an imported recurrent model trains at the same speed.
import { gradRule } from '../autodiff/registry.ts';
import '../autodiff/rules/index.ts';
import { emitOpset, type ImportedGraph } from '../onnx/load-graph.ts';
import type { Tensor } from '../onnx/tensor.ts';
import { canonicalise } from './canonical.ts';
import { ModelError } from './errors.ts';
import type { Graph } from './graph.ts';
import { gruUnrolled } from './layers/gru.ts';
import { lstmUnrolled, MAX_UNROLLED_WINDOW } from './layers/lstm.ts';
import type { Node } from './node.ts';
import { Ops } from './ops.ts';
import { prune } from './prune.ts';
import { inline, type Rewrite } from './rebuild.ts';
import type { TrainableModel } from './trainable.ts';
import type { Value } from './value.ts';

export interface ImportOptions {
  /** Exactly these initializers are trained (default: every float initializer of rank ≥ 1 the output depends on
   *  through differentiable inputs). */
  trainable?: string[];
  /** Initializers matching any of these patterns (`*` any run of characters) stay frozen. */
  freeze?: string[];
  /** The output to train, when the model has several. */
  output?: string;
}

export interface ImportedModel {
  model: TrainableModel;
  /** The trained parameters' values in the source. */
  params: Map<string, Tensor>;
  /** The canonical graph the forward pass replays. */
  graph: Graph;
}

/** Names the training graphs give their own inputs and outputs; a model must not use them for its values. */
const RESERVED = ['target', 'loss'];

/** Inputs through which no gradient flows although they are float: sizes, ranges, ratios, scales. */
const NOT_DIFFERENTIABLE: Record<string, number[] | 'all'> = {
  Shape: 'all', Size: 'all', Range: 'all', ConstantOfShape: 'all', EyeLike: 'all', RandomNormalLike: 'all', RandomUniformLike: 'all',
  Dropout: [1, 2], Resize: [1, 2, 3], Pad: [1, 2, 3], Upsample: [1],
};

export function importedModel(imported: ImportedGraph, source: string, opts: ImportOptions = {}): ImportedModel {
  // A batch fixed by the export is made dynamic; whether the graph follows is checked on the output below.
  const fixedBatch = imported.graph.inputs.length === 1 ? imported.graph.inputs[0]!.shape?.[0] : undefined;
  const g = canonicalise(imported.graph, source, { relaxBatch: true });
  const fail = (why: string): never => {
    throw new ModelError(`${source}: ${why}`);
  };
  const floats = g.inputs.filter((v) => v.dtype === 'float32');
  if (floats.length === 0) fail(`the model has no float32 input (${g.inputs.map(String).join(', ') || 'no inputs'}); ingraph trains models that take float32 data`);
  if (g.inputs.length > 1) fail(`the model has ${g.inputs.length} inputs (${g.inputs.map((v) => v.name).join(', ')}); ingraph trains models with one data input`);
  const x = g.inputs[0]!;
  const output = opts.output ? g.outputs.find((v) => v.name === opts.output) : g.outputs.length === 1 ? g.outputs[0] : undefined;
  if (!output) {
    fail(opts.output
      ? `the model has no output ${JSON.stringify(opts.output)} (its outputs: ${g.outputs.map((v) => v.name).join(', ')})`
      : `the model has ${g.outputs.length} outputs (${g.outputs.map((v) => v.name).join(', ')}); choose one with --output`);
  }
  const y = output!;
  if (y.dtype !== 'float32') fail(`output ${JSON.stringify(y.name)} is ${y.dtype}, not float32: there is no loss to train it on`);
  // Only what the trained output needs.
  g.outputs.splice(0, g.outputs.length, y);
  prune(g);
  for (const name of RESERVED) if ([x, y, ...g.initializers.keys()].some((v) => v.name === name)) fail(`the model names a value ${JSON.stringify(name)}, which the training graphs use for their own`);
  const batch = (v: Value) => v.shape?.[0];
  if (typeof batch(x) !== 'string') fail(`input ${JSON.stringify(x.name)} has dims [${x.shape?.join(', ') ?? '?'}]: its first dim must be a dynamic batch (export with a dynamic batch axis)`);
  if (typeof fixedBatch === 'number' && batch(y) !== batch(x)) {
    fail(`input ${JSON.stringify(x.name)} fixes the batch at ${fixedBatch} and the graph builds that size in (output ${JSON.stringify(y.name)} comes out [${y.shape?.join(', ') ?? '?'}] for any other batch); re-export it with a dynamic batch (dynamic_axes, or dynamic_shapes with dynamo=True)`);
  }
  if (batch(y) !== batch(x)) fail(`output ${JSON.stringify(y.name)} has dims [${y.shape?.join(', ') ?? '?'}]: its first dim must be the input's batch`);
  for (const v of [x, y]) if (!v.shape!.slice(1).every((d) => typeof d === 'number')) fail(`${JSON.stringify(v.name)} has dims [${v.shape!.join(', ')}]: every dim after the batch must be fixed`);

  const weights = new Set(imported.initializers);
  const byName = new Map([...g.initializers].map(([v, t]) => [v.name, { v, t }]));
  const back = reachBack(g, y);
  const candidates = new Set([...g.initializers.keys()].filter((v) => back.has(v)));
  const trainable = chooseTrainable([...g.initializers.keys()].filter((v) => weights.has(v.name)), candidates, opts, fail);
  const needsRule = onPath(g, trainable, back);
  const missing = needsRule.find((n) => !gradRule(n.op));
  if (missing) fail(`node ${JSON.stringify(missing.name)} (${missing.op}) has no gradient rule, and the loss needs it to train ${trainable.filter((v) => reaches(v, missing)).map((v) => JSON.stringify(v.name)).join(', ')}; freeze those with --freeze, or export the model without ${missing.op}`);
  const trained = new Set(trainable);
  const params = new Map(trainable.map((v) => [v.name, byName.get(v.name)!.t]));
  const frozen = new Map([...g.initializers].filter(([v]) => !trained.has(v)).map(([v, t]) => [v.name, t]));
  const window = x.shape![1];
  const recurrent = g.nodes.some((n) => n.op === 'LSTM' || n.op === 'GRU');
  const model: TrainableModel = {
    name: g.name.replace(/[^A-Za-z0-9_]/g, '_') || 'imported',
    input: { name: x.name, dims: [...x.shape!] },
    output: { name: y.name, dims: [...y.shape!] },
    params: trainable.map((v) => ({ name: v.name, dims: [...byName.get(v.name)!.t.dims] })),
    frozen,
    defaultForward: recurrent && typeof window === 'number' && window <= MAX_UNROLLED_WINDOW ? 'unrolled' : 'op',
    opset: emitOpset(g, imported.opset),
    forward: (o, xIn, param, f) => {
      const env = new Map<Value, Value>([[x, xIn]]);
      for (const v of g.initializers.keys()) env.set(v, param(v.name));
      inline(g, o.g, env, f.lstmForward === 'unrolled' ? unrolled : undefined, new Map(f.outName ? [[y, f.outName]] : []));
      return env.get(y)!;
    },
  };
  return { model, params, graph: g };
}

/** The values from which a differentiable path reaches `y`: through float values, and not through the inputs
 *  that only size or shape a result. */
function reachBack(g: Graph, y: Value): Set<Value> {
  const reach = new Set<Value>([y]);
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (!n.outputs.some((v) => reach.has(v) && v.dtype === 'float32')) continue;
    const skip = NOT_DIFFERENTIABLE[n.op];
    n.inputs.forEach((v, i) => {
      if (v && v.dtype === 'float32' && skip !== 'all' && !skip?.includes(i)) reach.add(v);
    });
    // Values a body reads from outside count as its node's inputs.
    for (const a of Object.values(n.attrs)) if (a.type === 'graph') for (const v of outerReads(a.value)) if (v.dtype === 'float32') reach.add(v);
  }
  return reach;
}

/** The nodes between the trained weights and the output: those the backward pass differentiates. */
function onPath(g: Graph, trainable: Value[], back: Set<Value>): Node[] {
  const from = new Set<Value>(trainable);
  const nodes: Node[] = [];
  for (const n of g.nodes) {
    const reads = [...n.inputs, ...Object.values(n.attrs).flatMap((a) => (a.type === 'graph' ? outerReads(a.value) : []))];
    if (!reads.some((v) => v && from.has(v))) continue;
    n.outputs.forEach((v) => from.add(v));
    nodes.push(n);
  }
  return nodes.filter((n) => n.outputs.some((v) => back.has(v)));
}

/** Whether node `n` is downstream of value `v`. */
function reaches(v: Value, n: Node): boolean {
  const seen = new Set<Value>();
  const stack = n.inputs.filter((x): x is Value => !!x);
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x === v) return true;
    if (seen.has(x) || !x.producer) continue;
    seen.add(x);
    for (const i of x.producer.inputs) if (i) stack.push(i);
  }
  return false;
}

function outerReads(body: Graph): Value[] {
  const out: Value[] = [];
  for (const n of body.nodes) {
    for (const v of n.inputs) if (v && v.graph !== body) out.push(v);
    for (const a of Object.values(n.attrs)) if (a.type === 'graph') out.push(...outerReads(a.value).filter((v) => v.graph !== body));
  }
  return out;
}

/** Float32 source weights of rank ≥ 1 on a differentiable path, unless --trainable names them or --freeze holds. */
function chooseTrainable(weights: Value[], candidates: Set<Value>, opts: ImportOptions, fail: (why: string) => never): Value[] {
  const isParam = (v: Value) => v.dtype === 'float32' && (v.shape?.length ?? 0) >= 1 && candidates.has(v);
  let chosen: Value[];
  if (opts.trainable) {
    chosen = opts.trainable.map((name) => {
      const v = weights.find((w) => w.name === name);
      if (!v) fail(`--trainable: the model has no initializer ${JSON.stringify(name)}`);
      if (!candidates.has(v!) || v!.dtype !== 'float32') fail(`--trainable: ${JSON.stringify(name)} is not a float32 weight the output depends on differentiably`);
      return v!;
    });
    chosen = weights.filter((w) => chosen.includes(w));
  } else chosen = weights.filter(isParam);
  const frozen = (opts.freeze ?? []).map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  chosen = chosen.filter((v) => !frozen.some((re) => re.test(v.name)));
  if (chosen.length === 0) fail('no weight is left to train (every float initializer is frozen, or the output depends on none)');
  return chosen;
}

/** LSTM and GRU ops of the train step as the unrolled composites of src/graph/layers, where their form allows
 *  (forward, no initial state, bias given, the default activations, the window fixed): the speed of our own. */
const unrolled: Rewrite = (node, inputs, into, copy) => {
  const [xt, W, R, B] = inputs;
  if (!canUnroll(node, inputs)) return copy();
  const H = node.int('hidden_size', 0);
  const o = new Ops(into);
  const r = node.op === 'LSTM'
    ? lstmUnrolled(o, xt!, { W: W!, R: R!, B: B! }, H)
    : gruUnrolled(o, xt!, { W: W!, R: R!, B: B! }, H, { linearBeforeReset: node.int('linear_before_reset', 0) === 1 });
  return [r.Y, r.Yh];
};

function canUnroll(node: Node, inputs: (Value | null)[]): boolean {
  if (node.op !== 'LSTM' && node.op !== 'GRU') return false;
  const known = new Set(['hidden_size', 'direction', 'layout', 'input_forget', 'linear_before_reset']);
  if (Object.keys(node.attrs).some((k) => !known.has(k)) || node.string('direction', 'forward') !== 'forward' || node.int('layout', 0) !== 0 || node.int('input_forget', 0) !== 0) return false;
  const T = inputs[0]?.shape?.[0];
  // Y_c has no counterpart in the composite.
  const usesYc = node.op === 'LSTM' && !!node.outputs[2] && node.outputs[2].uses.length > 0;
  return inputs.length === 4 && inputs.every((v) => v) && typeof T === 'number' && !usesYc;
}
