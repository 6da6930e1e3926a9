// Backpropagation through time for ONNX's LSTM op, with standard ops only. Everything that does not depend on the
// previous step runs once for all steps (see shared/notes/ort-overheads.md: nodes inside the recurrence cost most):
//   1. recompute the gates of every step in one product from X, W, R, B and Y shifted by one step;
//   2. rebuild the cell states (a linear recurrence: c_t = f_t·c_{t-1} + i_t·g_t);
//      (an unrolled forward pass, declared as a composite LSTM, hands both over instead: nothing to recompute)
//   3. precompute every per-step factor of the backward recurrence;
//   4. run only the truly sequential part (dh through R, dc through f) in reverse, as a Scan (any window) or
//      unrolled (fixed window, fewer node launches);
//   5. form dW, dR, dB with one product over all steps and dX with another.
import type { Graph } from '../../graph/graph.ts';
import { attr } from '../../graph/node.ts';
import { Ops } from '../../graph/ops.ts';
import type { Value } from '../../graph/value.ts';
import { MAX_UNROLLED_WINDOW } from '../../graph/layers/lstm.ts';
import { defineGrad, type GradContext } from '../registry.ts';


function checkSupported(c: GradContext): void {
  const n = c.node;
  const bad: string[] = [];
  if (n.string('direction', 'forward') !== 'forward') bad.push('direction other than forward');
  if (n.attrs.clip) bad.push('clip');
  if (n.attrs.activations) bad.push('custom activations');
  if (n.int('input_forget', 0) !== 0) bad.push('input_forget');
  if (n.int('layout', 0) !== 0) bad.push('layout 1');
  if (n.inputs.slice(4).some((v) => v)) bad.push('sequence_lens/initial states/peepholes');
  if (bad.length) throw new Error(`LSTM gradient (node ${n.name}): unsupported ${bad.join(', ')}`);
}

/** Time-major [T,B,*] pieces as T values [1,B,*] (unrolled mode). */
function steps(o: Ops, v: Value, T: number): Value[] {
  return T === 1 ? [v] : o.split(v, 0, new Array<number>(T).fill(1));
}

/** c_t = f_t·c_{t-1} + ig_t with c_{-1} = 0, for all t. */
function cellStates(o: Ops, f: Value, ig: Value, T: number | null, zeros: () => Value): Value {
  if (T !== null) {
    const fs = steps(o, f, T), igs = steps(o, ig, T);
    const cs: Value[] = [igs[0]!];
    for (let t = 1; t < T; t++) cs.push(o.add(o.mul(fs[t]!, cs[t - 1]!), igs[t]!));
    return T === 1 ? cs[0]! : o.concat(cs, 0);
  }
  const body = o.g.subgraph('lstm_cell_states');
  const b = new Ops(body);
  const H = f.shape![2] as number;
  const cPrev = body.input('c_prev', 'float32', [null, H], true);
  const ft = body.input('f_t', 'float32', [null, H], true);
  const igt = body.input('ig_t', 'float32', [null, H], true);
  const c = b.add(b.mul(ft, cPrev), igt);
  body.output(c);
  body.output(c);
  const [, C] = scan(o.g, body, [zeros()], [f, ig], 0);
  return C!;
}

function scan(g: Graph, body: Graph, states: Value[], xs: Value[], direction: 0 | 1): Value[] {
  const nState = states.length;
  const types = body.outputs.map((v, i) => ({ dtype: v.dtype, shape: i < nState ? v.shape : [xs[0]!.shape![0]!, ...(v.shape ?? [])] }));
  return g.add('Scan', [...states, ...xs], {
    body: attr.graph(body),
    num_scan_inputs: attr.int(xs.length),
    scan_input_directions: attr.ints(xs.map(() => direction)),
    scan_output_directions: attr.ints(body.outputs.slice(nState).map(() => direction)),
  }, { types });
}

interface Reverse {
  A: Value; // dh -> dc factor: o·(1 - tanh(c)²)
  Bcat: Value; // per-gate factors [i, o, f, g] turning (dc, dh, dc, dc) into pre-activation gradients
  f: Value | Value[]; // forget gates [T,B,H], or per step when the forward kept them so: dc_{t-1} gets dc_t·f_t
  dY: Value | null; // gradient from Y at every step [T,B,H]
  dYh: Value | null; // gradient from Y_h (last step) [1,B,H]
  dYc: Value | null; // gradient from Y_c (last cell state) [1,B,H]
}

/** The sequential core, t = T-1 .. 0: dh = dY_t + dh', dc = dh·A_t + dc', dG_t = (dc,dh,dc,dc)·Bcat_t,
 *  dh' = dG_t·R, dc' = dc·f_t. Returns dG [T,B,4H]. */
function reverseRecurrence(o: Ops, r: Reverse, Rm: Value, T: number | null, zeros: () => Value): Value {
  if (T !== null) {
    const As = steps(o, r.A, T), Bs = steps(o, r.Bcat, T), fs = Array.isArray(r.f) ? r.f : steps(o, r.f, T);
    const dYs = r.dY ? steps(o, r.dY, T) : null;
    const dG: Value[] = new Array(T);
    let dhCarry: Value | null = r.dYh, dcCarry: Value | null = r.dYc;
    for (let t = T - 1; t >= 0; t--) {
      const parts = [dYs?.[t], dhCarry].filter((v): v is Value => !!v);
      // No dh at the last step when only Y_c is used.
      const dh = parts.length === 2 ? o.add(parts[0]!, parts[1]!) : parts[0] ?? o.unsqueeze(zeros(), [0]);
      const dhA = o.mul(dh, As[t]!);
      const dc = dcCarry ? o.add(dhA, dcCarry) : dhA;
      dG[t] = o.mul(o.concat([dc, dh, dc, dc], 2), Bs[t]!);
      if (t > 0) {
        dhCarry = o.matmul(dG[t]!, Rm);
        dcCarry = o.mul(dc, fs[t]!);
      }
    }
    return T === 1 ? dG[0]! : o.concat(dG, 0);
  }
  const body = o.g.subgraph('lstm_bptt');
  const b = new Ops(body);
  const H = r.A.shape![2] as number;
  const dhC = body.input('dh_carry', 'float32', [null, H], true);
  const dcC = body.input('dc_carry', 'float32', [null, H], true);
  const At = body.input('A_t', 'float32', [null, H], true);
  const Bt = body.input('B_t', 'float32', [null, 4 * H], true);
  const ft = body.input('f_t', 'float32', [null, H], true);
  const dYt = r.dY ? body.input('dY_t', 'float32', [null, H], true) : null;
  const dh = dYt ? b.add(dYt, dhC) : dhC;
  const dc = b.add(b.mul(dh, At), dcC);
  const dGt = b.mul(b.concat([dc, dh, dc, dc], 1), Bt);
  body.output(b.matmul(dGt, Rm));
  body.output(b.mul(dc, ft));
  body.output(dGt);
  const dh0 = r.dYh ? o.squeeze(r.dYh, [0]) : zeros();
  const dc0 = r.dYc ? o.squeeze(r.dYc, [0]) : zeros();
  const f = Array.isArray(r.f) ? o.concat(r.f, 0) : r.f;
  const outs = scan(o.g, body, [dh0, dc0], [r.A, r.Bcat, f, ...(r.dY ? [r.dY] : [])], 1);
  return outs[2]!;
}

defineGrad('LSTM', (c) => {
  checkSupported(c);
  const { o } = c;
  const X = c.I(0), W = c.I(1), R = c.I(2), Bias = c.node.inputs[3] ?? null;
  const H = c.node.int('hidden_size', 0);
  const F = X.shape![2] as number;
  const Tdim = X.shape![0];
  const mode = c.options.recurrence;
  const T = typeof Tdim === 'number' && (mode === 'unrolled' || (mode === 'auto' && Tdim <= MAX_UNROLLED_WINDOW)) ? Tdim : null;
  if (mode === 'unrolled' && T === null) throw new Error('LSTM gradient: unrolled mode needs a fixed window');

  const Wm = o.squeeze(W, [0]); // [4H, F]
  const Rm = o.squeeze(R, [0]); // [4H, H]
  const saved = c.saved;
  const Ys = saved ? (saved.Ys as Value) : o.squeeze(c.O(0), [1]); // [T, B, H]
  const zeros = () => o.g.add('ConstantOfShape', [o.shape(Ys, 1)], {})[0]!; // [B, H], Scan's initial states
  const shiftDown = (v: Value) => o.g.add('Pad', [o.slice(v, [0], [-1], [0]), o.ints([1, 0, 0, 0, 0, 0])], {})[0]!;
  const Hprev = shiftDown(Ys); // [T, B, H]: h_{t-1}, zero at t = 0

  // 1-2. Gates and cell states of every step: kept by an unrolled forward pass, else recomputed here: the gates
  // by one product with [W R]ᵀ from [x_t, h_{t-1}] for all steps, the cells by their linear recurrence.
  let S: Value, g: Value;
  if (saved) ({ S, G: g } = saved as Record<'S' | 'G', Value>);
  else {
    const XH = o.concat([X, Hprev], 2); // [T, B, F+H]
    let pre = o.matmul(XH, o.transpose(o.concat([Wm, Rm], 1), [1, 0])); // [T, B, 4H]
    if (Bias) {
      const [wb, rb] = o.split(Bias, 1, [4 * H, 4 * H]);
      pre = o.add(pre, o.add(wb!, rb!));
    }
    const [iofPre, gPre] = o.split(pre, 2, [3 * H, H]);
    S = o.sigmoid(iofPre!); // i, o, f together
    g = o.tanh(gPre!);
  }
  const [i, og, f] = o.split(S, 2, [H, H, H]);
  const C = saved ? (saved.C as Value) : cellStates(o, f!, o.mul(i!, g), T, zeros);
  const tc = saved ? (saved.TC as Value) : o.tanh(C);

  // 3. Per-step factors, for all steps at once.
  const one = o.scalar(1);
  const dS = o.mul(S, o.sub(one, S)); // σ' of i, o, f
  const Bsig = o.mul(o.concat([g, tc, shiftDown(C)], 2), dS); // di/dc, do/dh, df/dc
  const Bg = o.mul(i!, o.sub(one, o.mul(g, g))); // dg/dc
  const Bcat = o.concat([Bsig, Bg], 2); // gate order i, o, f, c
  const A = o.mul(og!, o.sub(one, o.mul(tc, tc)));

  // 4. The recurrence.
  const GY = c.GO(0), GYh = c.GO(1), GYc = c.GO(2);
  const dG = reverseRecurrence(o, { A, Bcat, f: (saved?.fs as Value[] | undefined) ?? f!, dY: GY ? o.squeeze(GY, [1]) : null, dYh: GYh, dYc: GYc }, Rm, T, zeros);

  // 5. Parameter and input gradients, batched over time and batch.
  let dW: Value | null = null, dR: Value | null = null, dB: Value | null = null, dX: Value | null = null;
  if (c.needs(1) || c.needs(2)) {
    // One product each over all steps and rows: Σ_t dG_tᵀ·x_t and Σ_t dG_tᵀ·h_{t-1}.
    const dG2 = o.reshape(dG, [-1, 4 * H]);
    dW = o.unsqueeze(o.gemm(dG2, o.reshape(X, [-1, F]), null, { transA: true }), [0]);
    dR = o.unsqueeze(o.gemm(dG2, o.reshape(Hprev, [-1, H]), null, { transA: true }), [0]);
  }
  if (Bias && c.needs(3)) {
    const dBs = o.reduceSum(dG, [0, 1], false); // [4H]: both bias halves get the same gradient
    dB = o.unsqueeze(o.concat([dBs, dBs], 0), [0]);
  }
  if (c.needs(0)) dX = o.matmul(dG, Wm);
  return c.node.inputs.map((_, k) => [dX, dW, dR, dB][k] ?? null);
});
