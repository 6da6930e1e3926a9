// The LSTM layer: ONNX's own LSTM op (layout 0: [time, batch, features]) with weights named as an interface.
// Gate order inside W, R and B is ONNX's: i, o, f, c; B holds the input biases, then the recurrent biases.
import type { Ops } from '../ops.ts';
import { attr } from '../node.ts';
import type { Value } from '../value.ts';

/** Windows up to this many steps are unrolled by default, forward and backward (it measured faster: docs/perf.md);
 *  longer ones use the LSTM op and a Scan, whose graphs do not grow with the window. */
export const MAX_UNROLLED_WINDOW = 64;

export interface LstmParams {
  W: Value; // [1, 4H, F]
  R: Value; // [1, 4H, H]
  B: Value; // [1, 8H]
}

export function lstmParamShapes(features: number, hidden: number): Record<keyof LstmParams, number[]> {
  return { W: [1, 4 * hidden, features], R: [1, 4 * hidden, hidden], B: [1, 8 * hidden] };
}

/** The same layer unrolled into standard ops (fixed window): ONNX Runtime's CPU LSTM kernel costs more than the
 *  ~11 small nodes a step this takes (docs/perf.md), and the steps' gates and cell states are kept for the
 *  backward pass, which then has nothing to recompute. Declared as a composite, so autodiff uses the LSTM rule. */
export function lstmUnrolled(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const T = xTime.shape?.[0];
  if (typeof T !== 'number') throw new Error('an unrolled LSTM needs a fixed window');
  const H = hidden;
  const from = o.g.nodes.length;
  const Wm = o.squeeze(p.W, [0]);
  const RmT = o.transpose(o.squeeze(p.R, [0]), [1, 0]); // [H, 4H]
  const [wb, rb] = o.split(p.B, 1, [4 * H, 4 * H]);
  // Input contributions of all steps in one product; only h·Rᵀ is left inside the recurrence.
  const pre = o.add(o.matmul(xTime, o.transpose(Wm, [1, 0])), o.add(wb!, rb!)); // [T, B, 4H]
  const pres = T === 1 ? [pre] : o.split(pre, 0, new Array<number>(T).fill(1));
  const hs: Value[] = [], cs: Value[] = [], ss: Value[] = [], gs: Value[] = [], tcs: Value[] = [], fs: Value[] = [];
  for (let t = 0; t < T; t++) {
    const z = t === 0 ? pres[0]! : o.add(pres[t]!, o.matmul(hs[t - 1]!, RmT));
    const [iofPre, gPre] = o.split(z, 2, [3 * H, H]);
    const s = o.sigmoid(iofPre!);
    const g = o.tanh(gPre!);
    const [i, og, f] = o.split(s, 2, [H, H, H]);
    const ig = o.mul(i!, g);
    const c = t === 0 ? ig : o.add(o.mul(f!, cs[t - 1]!), ig);
    const tc = o.tanh(c);
    hs.push(o.mul(og!, tc));
    cs.push(c), ss.push(s), gs.push(g), tcs.push(tc), fs.push(f!);
  }
  const cat = (vs: Value[]) => (vs.length === 1 ? vs[0]! : o.concat(vs, 0));
  const Ys = cat(hs);
  const Y = o.unsqueeze(Ys, [1]);
  const Yh = hs[T - 1]!;
  o.g.composite('LSTM', from, [xTime, p.W, p.R, p.B], [Y, Yh], { hidden_size: attr.int(H) }, { Ys, S: cat(ss), G: cat(gs), C: cat(cs), TC: cat(tcs), fs });
  return { Y, Yh };
}

/** Runs one LSTM layer over a time-major sequence; returns all hidden states Y [T,1,B,H] and the last Y_h [1,B,H]. */
export function lstm(o: Ops, xTime: Value, p: LstmParams, hidden: number): { Y: Value; Yh: Value } {
  const [Y, Yh] = o.g.add('LSTM', [xTime, p.W, p.R, p.B], { hidden_size: attr.int(hidden) }, { count: 2 });
  return { Y: Y!, Yh: Yh! };
}
