// The LSTM layer: ONNX's own LSTM op (layout 0: [time, batch, features]) with weights named as an interface.
// Gate order inside W, R and B is ONNX's: i, o, f, c; B holds the input biases, then the recurrent biases.
import type { Ops } from '../ops.ts';
import { attr } from '../node.ts';
import type { Value } from '../value.ts';

export interface LstmParams {
  W: Value; // [1, 4H, F]
  R: Value; // [1, 4H, H]
  B: Value; // [1, 8H]
}

export function lstmParamShapes(features: number, hidden: number): Record<keyof LstmParams, number[]> {
  return { W: [1, 4 * hidden, features], R: [1, 4 * hidden, hidden], B: [1, 8 * hidden] };
}

/** Runs one LSTM layer over a time-major sequence; returns all hidden states Y [T,1,B,H] and the last Y_h [1,B,H]. */
export function lstm(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const [Y, Yh] = o.g.add('LSTM', [xTime, p.W, p.R, p.B], { hidden_size: attr.int(hidden) }, { count: 2 });
  return { Y: Y!, Yh: Yh! };
}
