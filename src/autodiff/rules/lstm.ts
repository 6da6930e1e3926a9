// Backpropagation through time for ONNX's LSTM op, with standard ops only. Everything that does not depend on the
// previous step runs once for all steps (see shared/notes/ort-overheads.md: nodes inside the recurrence cost most):
//   1. recompute the gates of every step in one product from X, W, R, B and Y shifted by one step;
//   2. rebuild the cell states (a linear recurrence: c_t = f_t·c_{t-1} + i_t·g_t);
//      (an unrolled forward pass, declared as a composite LSTM, hands both over instead: nothing to recompute)
//   3. precompute every per-step factor of the backward recurrence;
//   4. run only the truly sequential part (dh through R, dc through f) in reverse, as a Scan (any window) or
//      unrolled (fixed window, fewer node launches);
//   5. form dW, dR, dB with one product over all steps and dX with another.
// The gates are held as one Sigmoid over all four blocks with the cell gate's pre-activation doubled
// (tanh x = 2σ(2x) − 1), as the unrolled forward computes them, and in the same "columns" layout (per step [·, B]):
// one form for both paths (see LstmResiduals).
import { attr } from '../../graph/node.ts';
import { Ops } from '../../graph/ops.ts';
import type { Value } from '../../graph/value.ts';
import { sequenceColumns, sideBySide, stacked, stateColumns, stepsOf } from '../../graph/layers/columns.ts';
import { cellGateScale, lstmResiduals, MAX_UNROLLED_WINDOW, type LstmResiduals, type StackedGates, type StepGates } from '../../graph/layers/lstm.ts';
import { accumulate, previousStates, scan } from '../recurrence.ts';
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


/** The T steps of v along its first axis, each keeping that axis as 1. */
function timeSteps(o: Ops, v: Value, T: number): Value[] {
  return T === 1 ? [v] : o.g.add('Split', [v], { axis: attr.int(0), num_outputs: attr.int(T) }, { count: T });
}

/** c_t = f_t·c_{t-1} + ig_t with c_{-1} = 0, for all t ([T, H, B]). */
function cellStates(o: Ops, f: Value, ig: Value, T: number | null): Value {
  if (T !== null) {
    const fs = timeSteps(o, f, T), igs = timeSteps(o, ig, T);
    const cs: Value[] = [igs[0]!];
    for (let t = 1; t < T; t++) cs.push(o.add(o.mul(fs[t]!, cs[t - 1]!), igs[t]!));
    return T === 1 ? cs[0]! : o.concat(cs, 0);
  }
  const body = o.g.subgraph('lstm_cell_states');
  const b = new Ops(body);
  const H = f.shape![1] as number;
  const cPrev = body.input('c_prev', 'float32', [H, null], true);
  const ft = body.input('f_t', 'float32', [H, null], true);
  const igt = body.input('ig_t', 'float32', [H, null], true);
  const c = b.add(b.mul(ft, cPrev), igt);
  body.output(c);
  body.output(c);
  const [, C] = scan(o.g, body, [o.g.add('ConstantOfShape', [o.shape(f, 1)], {})[0]!], [f, ig], 0);
  return C!;
}

/** Steps 1-2 for the LSTM op: gates from one product of [W R] with [x_t, h_{t-1}] for all steps (columns, see
 *  LstmResiduals), cells by their linear recurrence. */
function recompute(o: Ops, X: Value, Wm: Value, Rm: Value, Bias: Value | null, Y: Value, H: number, F: number, T: number | null): LstmResiduals {
  const Hprev = previousStates(o, o.squeeze(Y, [1]), null); // [T, B, H]: h_{t-1}, zero at t = 0
  const inputs = o.concat([o.transpose(X, [0, 2, 1]), o.transpose(Hprev, [0, 2, 1])], 1); // [T, F+H, B]
  let pre = o.matmul(o.concat([Wm, Rm], 1), inputs); // [T, 4H, B]
  if (Bias) pre = o.add(pre, o.reshape(o.reduceSum(o.reshape(Bias, [2, 4 * H]), [0], false), [4 * H, 1]));
  const S = o.sigmoid(o.mul(pre, cellGateScale(o, H)));
  const [i, , f, sg] = o.split(S, 1, [H, H, H, H]);
  const G = o.sub(o.mul(sg!, o.scalar(2)), o.scalar(1));
  const C = cellStates(o, f!, o.mul(i!, G), T);
  const gates: StackedGates = { kind: 'stacked', S, G, TC: o.tanh(C), Cprev: previousStates(o, C, null), F: f! };
  return { gates, Hprev: o.reshape(Hprev, [-1, H]), hprevColumns: false, X: o.reshape(X, [-1, F]) };
}


/** The backward recurrence's inputs, columns: per step [·, B] each, or all steps [T, ·, B]. */
interface Reverse {
  A: Value | Value[]; // dh -> dc factor o·(1 - tanh(c)²) [H, B]
  Bcat: Value | Value[]; // per-gate factors [i, o, f, g] turning (dc, dh, dc, dc) into pre-activation gradients [4H, B]
  f: Value | Value[]; // forget gates: dc_{t-1} gets dc_t·f_t [H, B]
  dY: Value | null; // gradient from Y at every step [T, H, B]
  dYh: Value | null; // gradient from Y_h (last step) [H, B]
  dYc: Value | null; // gradient from Y_c (last cell state) [H, B]
}

/** Step 3 of the rule: the factors of the backward recurrence. σ' is S(1 − S) for all four gates: the recurrence
 *  runs on gradients with respect to the pre-activations as the Sigmoid saw them, with the cell gate's block halved
 *  again (its g = 2σ − 1 gives a factor 2, its doubled pre-activation another): the rule scales by 4 where those
 *  gradients meet R and the parameters, on the small tensors. From an unrolled forward, per step, where the
 *  recurrence reads them (A = o − h·tanh(c), as h = o·tanh(c)); recomputed, for all steps at once. */
function factors(o: Ops, gates: StepGates | StackedGates, H: number): Pick<Reverse, 'A' | 'Bcat' | 'f'> {
  const one = o.scalar(1);
  const sigmaPrime = (s: Value) => o.mul(s, o.sub(one, s));
  if (gates.kind === 'steps') {
    // Per step, from the forward's own products: [i·g, o·tanh c, f·c_{t-1}, i·σ_c] ⊙ (1 − σ) is the four blocks of
    // [g, tanh c, c_{t-1}, i] ⊙ σ(1 − σ).
    const st = gates;
    return {
      A: st.o.map((og, t) => o.sub(og, o.mul(st.h[t]!, st.tc[t]!))),
      Bcat: st.s.map((s, t) => o.mul(o.concat([st.ig[t]!, st.h[t]!, st.fc[t]!, st.isg[t]!], 0), o.sub(one, s))),
      f: st.f,
    };
  }
  const [i, og] = o.split(gates.S, 1, [H, H, 2 * H]);
  return {
    A: o.mul(og!, o.sub(one, o.mul(gates.TC, gates.TC))),
    Bcat: o.mul(o.concat([gates.G, gates.TC, gates.Cprev, i!], 1), sigmaPrime(gates.S)), // di/dc, do/dh, df/dc, dg/dc; gate order i, o, f, c
    f: gates.F,
  };
}

/** The sequential core, t = T-1 .. 0 (R is R4, see factors()): dh = dY_t + Rᵀ·dG_{t+1}, dc = dh·A_t + dc_{t+1}·f_{t+1},
 *  dG_t = (dc; dh; dc; dc)·Bcat_t. Unrolled, six nodes a step: a Gemm (its C input adds dY_t), two Mul and an Add
 *  for dc, a Concat (of whole blocks, down the gate axis) and a Mul for dG. Returns dG as columns [4H, T·B],
 *  step-major, ready for the parameter products. */
function reverseRecurrence(o: Ops, r: Reverse, Rm: Value, T: number | null, unrolled: boolean, H: number): { cols: Value | null; steps: Value[] | null } {
  if (unrolled && T !== null) {
    const steps = (v: Value | Value[]) => (Array.isArray(v) ? v : stepsOf(o, v, T));
    const As = steps(r.A), Bs = steps(r.Bcat), fs = steps(r.f);
    const dYs = r.dY ? stepsOf(o, r.dY, T) : null;
    const dG: Value[] = new Array(T);
    let dcCarry: Value | null = r.dYc;
    for (let t = T - 1; t >= 0; t--) {
      let dh: Value;
      if (t === T - 1) {
        const parts = [dYs?.[t], r.dYh].filter((v): v is Value => !!v);
        // No dh at the last step when only Y_c is used.
        dh = parts.length === 2 ? o.add(parts[0]!, parts[1]!) : parts[0] ?? o.zerosLike(As[t]!);
      } else dh = o.gemm(Rm, dG[t + 1]!, dYs?.[t] ?? null, { transA: true });
      const dhA = o.mul(dh, As[t]!);
      const dc = dcCarry ? o.add(dhA, dcCarry) : dhA;
      dG[t] = o.mul(o.concat([dc, dh, dc, dc], 0), Bs[t]!);
      if (t > 0) dcCarry = o.mul(dc, fs[t]!);
    }
    return { cols: null, steps: dG };
  }
  const all = (v: Value | Value[]) => (Array.isArray(v) ? stacked(o, v) : v);
  const A = all(r.A);
  const zeros = () => o.g.add('ConstantOfShape', [o.shape(A, 1)], {})[0]!; // [H, B]
  const body = o.g.subgraph('lstm_bptt');
  const b = new Ops(body);
  const dhC = body.input('dh_carry', 'float32', [H, null], true);
  const dcC = body.input('dc_carry', 'float32', [H, null], true);
  const At = body.input('A_t', 'float32', [H, null], true);
  const Bt = body.input('B_t', 'float32', [4 * H, null], true);
  const ft = body.input('f_t', 'float32', [H, null], true);
  const dYt = r.dY ? body.input('dY_t', 'float32', [H, null], true) : null;
  const dh = dYt ? b.add(dYt, dhC) : dhC;
  const dc = b.add(b.mul(dh, At), dcC);
  const dGt = b.mul(b.concat([dc, dh, dc, dc], 0), Bt);
  body.output(b.gemm(Rm, dGt, null, { transA: true }));
  body.output(b.mul(dc, ft));
  body.output(dGt);
  const outs = scan(o.g, body, [r.dYh ?? zeros(), r.dYc ?? zeros()], [A, all(r.Bcat), all(r.f), ...(r.dY ? [r.dY] : [])], 1);
  return { cols: sideBySide(o, outs[2]!), steps: null }; // [T, 4H, B] -> [4H, T·B]
}

defineGrad('LSTM', (c) => {
  checkSupported(c);
  const { o } = c;
  const X = c.I(0), W = c.I(1), R = c.I(2), Bias = c.node.inputs[3] ?? null;
  const H = c.node.int('hidden_size', 0);
  const F = X.shape![2] as number;
  const Tdim = X.shape![0];
  const T = typeof Tdim === 'number' ? Tdim : null;
  const mode = c.options.recurrence;
  const unrolled = T !== null && (mode === 'unrolled' || (mode === 'auto' && T <= MAX_UNROLLED_WINDOW));
  if (mode === 'unrolled' && T === null) throw new Error('LSTM gradient: unrolled mode needs a fixed window');

  const Wm = o.squeeze(W, [0]); // [4H, F]
  const Rm = o.squeeze(R, [0]); // [4H, H]
  // 1-2. Gates and cell states of every step: kept by an unrolled forward pass, else recomputed.
  const r = c.saved ? lstmResiduals(c.saved) : recompute(o, X, Wm, Rm, Bias, c.O(0), H, F, unrolled ? T : null);

  // 3. The recurrence's factors (see factors()); R and the parameter gradients take the cell gate's factor 4.
  const scale = cellGateScale(o, H, 4); // [4H, 1]
  const R4 = o.mul(Rm, scale);

  // 4. The recurrence. The output gradients arrive as the LSTM op lays them out ([T, 1, B, H], [1, B, H]).
  const GY = c.GO(0), GYh = c.GO(1), GYc = c.GO(2);
  const columns = (v: Value | null) => v && stateColumns(o, v);
  const dY = GY ? sequenceColumns(o, GY) : null;
  const rec = reverseRecurrence(o, { ...factors(o, r.gates, H), dY, dYh: columns(GYh), dYc: columns(GYc) }, R4, T, unrolled, H);
  // dG as columns [4H, T·B] for the products over all steps (made only when one is needed).
  let cols = rec.cols;
  const dG = () => (cols ??= rec.steps!.length === 1 ? rec.steps![0]! : o.concat(rec.steps!, 1));

  // 5. Parameter and input gradients, each then scaled by the cell gate's factor (see factors()). From an unrolled
  // forward, step by step (a Gemm with the running sum as its C input) on tensors the recurrence just wrote: dW, dB
  // and dR in one product with the step's Gemm input [x_t; 1; 1; h_{t-1}], scaled once and split. Otherwise one product
  // over all steps and rows each: Σ_t dG_t·x_t, Σ_t dG_t, Σ_t dG_t·h_{t-1}.
  const perStep = r.gates.kind === 'steps' && rec.steps ? { dG: rec.steps, st: r.gates } : null;
  let dWraw: Value | null = null, dBraw: Value | null = null, dRraw: Value | null = null;
  if (c.needs(1) || c.needs(2) || (Bias && c.needs(3))) {
    if (perStep) [dWraw, dBraw, dRraw] = o.split(o.mul(accumulate(o, perStep.dG, perStep.st.z)!, scale), 1, [F, 2, H]);
    else {
      const scaled = (v: Value) => o.mul(v, scale);
      if (c.needs(1)) dWraw = scaled(o.gemm(dG(), r.X, null));
      if (Bias && c.needs(3)) dBraw = scaled(o.reduceSum(dG(), [1], true));
      if (c.needs(2)) dRraw = scaled(o.gemm(dG(), r.Hprev, null, { transB: r.hprevColumns }));
    }
  }
  let dX: Value | null = null, dB: Value | null = null;
  const dW = c.needs(1) ? o.reshape(dWraw!, [1, 4 * H, F]) : null;
  const dR = c.needs(2) ? o.reshape(dRraw!, [1, 4 * H, H]) : null;
  if (Bias && c.needs(3)) {
    // Both bias halves get the same gradient: from an unrolled forward it is already two columns [4H, 2].
    if (perStep) dB = o.reshape(o.transpose(dBraw!, [1, 0]), [1, 8 * H]);
    else {
      const dBs = o.reshape(dBraw!, [1, 4 * H]);
      dB = o.concat([dBs, dBs], 1);
    }
  }
  if (c.needs(0)) dX = o.g.add('Reshape', [o.gemm(dG(), o.mul(Wm, scale), null, { transA: true }), o.shape(X)], {})[0]!; // [T·B, F] -> [T, B, F]
  return c.node.inputs.map((_, n) => [dX, dW, dR, dB][n] ?? null);
});
