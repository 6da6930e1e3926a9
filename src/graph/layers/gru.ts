// The GRU layer: ONNX's own GRU op (layout 0: [time, batch, features]) with weights named as an interface, mirroring
// lstm.ts. Gate order inside W, R and B is ONNX's: z (update), r (reset), h (candidate); B holds the input biases,
// then the recurrent biases. linear_before_reset = 1 applies the reset gate after the recurrent product, as
// PyTorch's GRU does; 0 applies it before (the original GRU).
import type { Ops } from '../ops.ts';
import { attr } from '../node.ts';
import type { Value } from '../value.ts';

export interface GruParams {
  W: Value; // [1, 3H, F]
  R: Value; // [1, 3H, H]
  B: Value; // [1, 6H]
}

export interface GruOptions {
  /** Default true: PyTorch's form, so its weights load unchanged (gates reordered r,z,n → z,r,h). */
  linearBeforeReset?: boolean;
  /** initial_h [1,B,H] (default zeros): the op's sixth input. */
  initialH?: Value;
}

/** What the unrolled forward pass keeps for the GRU rule, all [T,B,H]: the hidden states and the gates. */
export type GruSaved = { Ys: Value; Z: Value; Rg: Value; Hc: Value };

export function gruParamShapes(features: number, hidden: number): Record<keyof GruParams, number[]> {
  return { W: [1, 3 * hidden, features], R: [1, 3 * hidden, hidden], B: [1, 6 * hidden] };
}

const attrsOf = (hidden: number, opts: GruOptions) => ({
  hidden_size: attr.int(hidden),
  linear_before_reset: attr.int(opts.linearBeforeReset === false ? 0 : 1),
});

const inputsOf = (xTime: Value, p: GruParams, opts: GruOptions) => [xTime, p.W, p.R, p.B, ...(opts.initialH ? [null, opts.initialH] : [])];

/** The same layer unrolled into standard ops (fixed window), declared as a composite GRU whose gates the GRU rule
 *  reuses: the input products of all steps in one MatMul, one recurrent MatMul a step. */
export function gruUnrolled(o: Ops, xTime: Value, p: GruParams, hidden: number, opts: GruOptions = {}): { Y: Value; Yh: Value } {
  const T = xTime.shape?.[0];
  if (typeof T !== 'number') throw new Error('an unrolled GRU needs a fixed window');
  const H = hidden;
  const lbr = opts.linearBeforeReset !== false;
  const from = o.g.nodes.length;
  const RmT = o.transpose(o.squeeze(p.R, [0]), [1, 0]); // [H, 3H]
  const [RzrT, RhT] = o.split(RmT, 1, [2 * H, H]);
  const [wb, rb] = o.split(p.B, 1, [3 * H, 3 * H]);
  const [rbzr, rbh] = o.split(rb!, 1, [2 * H, H]);
  // Biases outside the reset gate join the input side: all of them, or with linear_before_reset all but R's h bias.
  const bias = o.add(wb!, lbr ? o.concat([rbzr!, o.floats([1, H], new Float32Array(H))], 1) : rb!);
  const pre = o.add(o.matmul(xTime, o.transpose(o.squeeze(p.W, [0]), [1, 0])), bias); // [T, B, 3H]
  const pres = T === 1 ? [pre] : o.split(pre, 0, new Array<number>(T).fill(1));
  const hs: Value[] = [], zs: Value[] = [], rs: Value[] = [], hcs: Value[] = [];
  for (let t = 0; t < T; t++) {
    const [xzr, xh] = o.split(pres[t]!, 2, [2 * H, H]);
    const hPrev = t === 0 ? opts.initialH : hs[t - 1];
    // With linear_before_reset, one product h·Rᵀ serves both the gates and the candidate.
    const hp = hPrev && lbr ? o.split(o.matmul(hPrev, RmT), 2, [2 * H, H]) : null;
    const zr = o.sigmoid(hPrev ? o.add(xzr!, hp ? hp[0]! : o.matmul(hPrev, RzrT!)) : xzr!);
    const [z, r] = o.split(zr, 2, [H, H]);
    const inner = lbr ? o.mul(r!, hp ? o.add(hp[1]!, rbh!) : rbh!) : hPrev ? o.matmul(o.mul(r!, hPrev), RhT!) : null;
    const hc = o.tanh(inner ? o.add(xh!, inner) : xh!);
    // h = (1 - z)·hc + z·h_prev = hc + z·(h_prev - hc); h_prev = 0 at the first step unless initial_h is given.
    hs.push(hPrev ? o.add(hc, o.mul(z!, o.sub(hPrev, hc))) : o.sub(hc, o.mul(z!, hc)));
    zs.push(z!), rs.push(r!), hcs.push(hc);
  }
  const cat = (vs: Value[]) => (vs.length === 1 ? vs[0]! : o.concat(vs, 0));
  const Ys = cat(hs);
  const Y = o.unsqueeze(Ys, [1]);
  const Yh = hs[T - 1]!;
  const saved: GruSaved = { Ys, Z: cat(zs), Rg: cat(rs), Hc: cat(hcs) };
  o.g.composite('GRU', from, inputsOf(xTime, p, opts), [Y, Yh], attrsOf(H, opts), saved);
  return { Y, Yh };
}

/** Runs one GRU layer over a time-major sequence; returns all hidden states Y [T,1,B,H] and the last Y_h [1,B,H]. */
export function gru(o: Ops, xTime: Value, p: GruParams, hidden: number, opts: GruOptions = {}): { Y: Value; Yh: Value } {
  const [Y, Yh] = o.g.add('GRU', inputsOf(xTime, p, opts), attrsOf(hidden, opts), { count: 2 });
  return { Y: Y!, Yh: Yh! };
}
