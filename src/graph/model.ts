// The forecaster architecture: stacked LSTM (or GRU) -> last step -> ReLU -> [dense -> ReLU]* -> dense. One function builds
// its forward pass from parameter values, whatever they are in a given graph (initializers in model.onnx, inputs in
// training_model.onnx, loop-carried state in the fused train step), so every artifact runs the same model.
import { Rng } from '../data/rng.ts';
import { Tensor } from '../onnx/tensor.ts';
import { linear } from './layers/linear.ts';
import { gru, gruParamShapes, gruUnrolled } from './layers/gru.ts';
import { lstm, lstmParamShapes, lstmUnrolled, MAX_UNROLLED_WINDOW } from './layers/lstm.ts';
import type { Ops } from './ops.ts';
import type { TrainableModel } from './trainable.ts';
import type { Value } from './value.ts';

export interface ModelConfig {
  features: number;
  window: number;
  hidden: number;
  layers: number;
  outputs: number;
  /** Sizes of extra dense layers between the LSTM and the output layer (each followed by ReLU). */
  dense: number[];
  /** The recurrent cell; absent means 'lstm' (configs written before GRU existed). */
  cell?: CellName;
}

/** The recurrent cells the builder has: ONNX's LSTM op, or its GRU op in PyTorch's form (linear_before_reset 1). */
export const CELL_NAMES = ['lstm', 'gru'] as const;
export type CellName = (typeof CELL_NAMES)[number];

/** Each cell's layer (op and unrolled forms) and weight shapes, under one name prefix (`lstm`, `lstm.1`, ...). */
const CELLS = {
  lstm: { op: lstm, unrolled: lstmUnrolled, shapes: lstmParamShapes },
  gru: { op: gru, unrolled: gruUnrolled, shapes: gruParamShapes },
} as const;

export const TUTORIAL_MODEL: ModelConfig = { features: 1, window: 10, hidden: 5, layers: 1, outputs: 1, dense: [] };

export interface ParamSpec {
  name: string;
  dims: number[];
  /** Bound of PyTorch's default uniform init for this tensor. */
  bound: number;
}

/** Parameter names are an interface: lstm.W/R/B for the first layer, lstm.K.W/R/B for layer K ≥ 1 (gru.* for GRU),
 *  dense.K.weight/bias for extra dense layers, fc.weight/bias for the output layer. */
export function parameterSpecs(c: ModelConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  const hb = 1 / Math.sqrt(c.hidden);
  for (let l = 0; l < c.layers; l++) {
    const prefix = layerPrefix(c, l);
    const shapes = CELLS[c.cell ?? 'lstm'].shapes(l === 0 ? c.features : c.hidden, c.hidden);
    for (const k of ['W', 'R', 'B'] as const) specs.push({ name: `${prefix}.${k}`, dims: shapes[k], bound: hb });
  }
  let fanIn = c.hidden;
  const dense = c.dense.map((size, k) => ({ prefix: `dense.${k}`, size }));
  for (const { prefix, size } of [...dense, { prefix: 'fc', size: c.outputs }]) {
    const b = 1 / Math.sqrt(fanIn);
    specs.push({ name: `${prefix}.weight`, dims: [size, fanIn], bound: b }, { name: `${prefix}.bias`, dims: [size], bound: b });
    fanIn = size;
  }
  return specs;
}

const layerPrefix = (c: ModelConfig, l: number): string => `${c.cell ?? 'lstm'}${l === 0 ? '' : `.${l}`}`;

/** PyTorch's default init (uniform ±1/√hidden for LSTM and GRU, ±1/√fan_in for Linear), one seeded stream per tensor. */
export function initParameters(c: ModelConfig, seed: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const s of parameterSpecs(c)) {
    const rng = Rng.derive(seed, `init:${s.name}`);
    const n = s.dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.uniform(-s.bound, s.bound);
    out.set(s.name, new Tensor('float32', s.dims, data));
  }
  return out;
}

/** How an LSTM layer's forward pass is emitted: ONNX's LSTM op, or unrolled into standard ops (see lstmUnrolled). */
export const LSTM_FORWARDS = ['op', 'unrolled'] as const;
export type LstmForward = (typeof LSTM_FORWARDS)[number];

/** The forward pass: x [batch, window, features] -> y [batch, outputs]. */
export function forecaster(o: Ops, x: Value, c: ModelConfig, p: (name: string) => Value, outName?: string, lstmForward: LstmForward = 'op'): Value {
  const layer = CELLS[c.cell ?? 'lstm'][lstmForward];
  let seq = o.transpose(x, [1, 0, 2]); // batch-first data into ONNX LSTM's time-major layout
  let last: Value | null = null;
  for (let l = 0; l < c.layers; l++) {
    const prefix = layerPrefix(c, l);
    const { Y, Yh } = layer(o, seq, { W: p(`${prefix}.W`), R: p(`${prefix}.R`), B: p(`${prefix}.B`) }, c.hidden);
    if (l < c.layers - 1) seq = o.squeeze(Y, [1]);
    else last = o.squeeze(Yh, [0]); // Y_h is the last time step's output: no slice of Y needed
  }
  let h = o.relu(last!);
  c.dense.forEach((_, k) => {
    h = o.relu(linear(o, h, { weight: p(`dense.${k}.weight`), bias: p(`dense.${k}.bias`) }));
  });
  return linear(o, h, { weight: p('fc.weight'), bias: p('fc.bias') }, outName);
}

/** The forecaster as a trainable model: x [batch, window, features] -> y [batch, outputs], nothing frozen. */
export function forecasterModel(c: ModelConfig): TrainableModel {
  return {
    name: 'ingraph',
    input: { name: 'x', dims: ['batch', c.window, c.features] },
    output: { name: 'y', dims: ['batch', c.outputs] },
    params: parameterSpecs(c).map(({ name, dims }) => ({ name, dims })),
    frozen: new Map(),
    defaultForward: c.window <= MAX_UNROLLED_WINDOW ? 'unrolled' : 'op',
    config: c,
    forward: (o, x, p, f) => forecaster(o, x, c, p, f.outName, f.lstmForward),
  };
}
