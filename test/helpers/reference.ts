// Independent float64 references, written from the math in plain loops: the LSTM, the forecaster and the losses, and a
// small interpreter of builder graphs (forward ops only) that the gradient checks use for finite differences. Nothing here
// reuses src/graph's model code; it only reads a built Graph's nodes and the parameter naming interface.
import type { Graph } from '../../src/graph/graph.ts';
import type { LossName } from '../../src/graph/losses.ts';
import type { Node } from '../../src/graph/node.ts';
import type { ModelConfig } from '../../src/graph/model.ts';
import type { Value } from '../../src/graph/value.ts';
import type { Tensor } from '../../src/onnx/tensor.ts';

/** A dense float64 array in row-major order. Integer and boolean tensors are held as float64 too (exact here). */
export interface Arr {
  dims: number[];
  data: Float64Array;
}

export const sizeOf = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export function arr(dims: readonly number[], data?: ArrayLike<number>): Arr {
  const n = sizeOf(dims);
  const d = data ? Float64Array.from(data) : new Float64Array(n);
  if (d.length !== n) throw new Error(`reference: dims [${dims.join(',')}] need ${n} elements, got ${d.length}`);
  return { dims: [...dims], data: d };
}

export function fromTensor(t: Tensor): Arr {
  return arr(t.dims, Array.from(t.data as ArrayLike<number | bigint>, Number));
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

// ---------------------------------------------------------------------------------------------------------------
// LSTM and forecaster

export interface LstmResult {
  /** Every step's hidden state, batch-first [B, T, H]. */
  Y: Arr;
  /** The last step's hidden and cell states [B, H]. */
  h: Arr;
  c: Arr;
}

/** One forward LSTM layer with ONNX's gate order i, o, f, c (rows of W and R in blocks of H):
 *  i = σ(x·Wiᵀ + h·Riᵀ + bi), o = σ(…), f = σ(…), g = tanh(…); c' = f·c + i·g; h' = o·tanh(c'). Zero initial states. */
export function lstmForward(x: Arr, W: Arr, R: Arr, Wb: ArrayLike<number> | null, Rb: ArrayLike<number> | null): LstmResult {
  const [B, T, F] = x.dims as [number, number, number];
  const H = R.dims[1]!;
  if (W.dims[0] !== 4 * H || W.dims[1] !== F || R.dims[0] !== 4 * H) {
    throw new Error(`lstmForward: W [${W.dims}] / R [${R.dims}] do not fit x [${x.dims}] and H=${H}`);
  }
  const Y = arr([B, T, H]);
  const hOut = arr([B, H]);
  const cOut = arr([B, H]);
  const pre = new Float64Array(4 * H);
  for (let b = 0; b < B; b++) {
    const h = new Float64Array(H);
    const c = new Float64Array(H);
    for (let t = 0; t < T; t++) {
      const xo = (b * T + t) * F;
      for (let r = 0; r < 4 * H; r++) {
        let s = (Wb ? Wb[r]! : 0) + (Rb ? Rb[r]! : 0);
        for (let k = 0; k < F; k++) s += W.data[r * F + k]! * x.data[xo + k]!;
        for (let k = 0; k < H; k++) s += R.data[r * H + k]! * h[k]!;
        pre[r] = s;
      }
      for (let j = 0; j < H; j++) {
        const i = sigmoid(pre[j]!);
        const o = sigmoid(pre[H + j]!);
        const f = sigmoid(pre[2 * H + j]!);
        const g = Math.tanh(pre[3 * H + j]!);
        c[j] = f * c[j]! + i * g;
        h[j] = o * Math.tanh(c[j]!);
      }
      Y.data.set(h, (b * T + t) * H);
    }
    hOut.data.set(h, b * H);
    cOut.data.set(c, b * H);
  }
  return { Y, h: hOut, c: cOut };
}

/** One forward GRU layer with ONNX's gate order z, r, h (rows of W and R in blocks of H), time-major X [T,B,F]:
 *  z = σ(x·Wzᵀ + h·Rzᵀ + Wbz + Rbz), r = σ(…), and the candidate ĥ = tanh(x·Whᵀ + (r⊙h)·Rhᵀ + Rbh + Wbh), or with
 *  linear_before_reset ĥ = tanh(x·Whᵀ + r⊙(h·Rhᵀ + Rbh) + Wbh); h' = (1 - z)⊙ĥ + z⊙h. Returns Y [T,B,H] and h [B,H]. */
export function gruForward(X: Arr, W: Arr, R: Arr, bias: Arr | null, h0: Arr | null, linearBeforeReset: boolean): { Y: Arr; h: Arr } {
  const [T, B, F] = X.dims as [number, number, number];
  const H = R.dims[R.dims.length - 1]!; // R is [1, gates·H, H]
  const b = (k: number) => (bias ? bias.data[k]! : 0);
  const Y = arr([T, B, H]);
  const h = h0 ? Float64Array.from(h0.data) : new Float64Array(B * H);
  for (let t = 0; t < T; t++) {
    const next = new Float64Array(B * H);
    for (let n = 0; n < B; n++) {
      const x = (row: number) => { let s = 0; for (let k = 0; k < F; k++) s += W.data[row * F + k]! * X.data[(t * B + n) * F + k]!; return s; };
      const rh = (row: number, v: (k: number) => number) => { let s = 0; for (let k = 0; k < H; k++) s += R.data[row * H + k]! * v(k); return s; };
      const hp = (k: number) => h[n * H + k]!;
      for (let j = 0; j < H; j++) {
        const z = sigmoid(x(j) + rh(j, hp) + b(j) + b(3 * H + j));
        const r = (jj: number) => sigmoid(x(H + jj) + rh(H + jj, hp) + b(H + jj) + b(4 * H + jj));
        const cand = linearBeforeReset
          ? Math.tanh(x(2 * H + j) + r(j) * (rh(2 * H + j, hp) + b(5 * H + j)) + b(2 * H + j))
          : Math.tanh(x(2 * H + j) + rh(2 * H + j, (k) => r(k) * hp(k)) + b(5 * H + j) + b(2 * H + j));
        next[n * H + j] = (1 - z) * cand + z * hp(j);
      }
    }
    h.set(next);
    Y.data.set(next, t * B * H);
  }
  return { Y, h: arr([B, H], h) };
}

/** One forward RNN layer (Tanh), time-major: h' = tanh(x·Wᵀ + h·Rᵀ + Wb + Rb). Returns Y [T,B,H] and h [B,H]. */
export function rnnForward(X: Arr, W: Arr, R: Arr, bias: Arr | null, h0: Arr | null): { Y: Arr; h: Arr } {
  const [T, B, F] = X.dims as [number, number, number];
  const H = R.dims[R.dims.length - 1]!; // R is [1, gates·H, H]
  const Y = arr([T, B, H]);
  const h = h0 ? Float64Array.from(h0.data) : new Float64Array(B * H);
  for (let t = 0; t < T; t++) {
    const next = new Float64Array(B * H);
    for (let n = 0; n < B; n++) {
      for (let j = 0; j < H; j++) {
        let s = bias ? bias.data[j]! + bias.data[H + j]! : 0;
        for (let k = 0; k < F; k++) s += W.data[j * F + k]! * X.data[(t * B + n) * F + k]!;
        for (let k = 0; k < H; k++) s += R.data[j * H + k]! * h[n * H + k]!;
        next[n * H + j] = Math.tanh(s);
      }
    }
    h.set(next);
    Y.data.set(next, t * B * H);
  }
  return { Y, h: arr([B, H], h) };
}

/** y = x·Wᵀ + b for x [B, in], W [out, in] (PyTorch's Linear). */
function dense(x: Arr, W: Arr, b: Arr): Arr {
  const [B, I] = x.dims as [number, number];
  const O = W.dims[0]!;
  const y = arr([B, O]);
  for (let r = 0; r < B; r++) {
    for (let o = 0; o < O; o++) {
      let s = b.data[o]!;
      for (let k = 0; k < I; k++) s += x.data[r * I + k]! * W.data[o * I + k]!;
      y.data[r * O + o] = s;
    }
  }
  return y;
}

const relu = (a: Arr): Arr => arr(a.dims, a.data.map((v) => (v > 0 ? v : 0)));

/** The forecaster from its definition: stacked LSTM -> last step -> ReLU -> [dense -> ReLU]* -> fc, in float64.
 *  Parameters by their interface names: lstm.W/R/B (layer 0), lstm.K.W/R/B, dense.K.weight/bias, fc.weight/bias. */
export function forecasterForward(c: ModelConfig, params: Map<string, Tensor>, x: ArrayLike<number>, batch: number): Float64Array {
  const get = (name: string): Arr => {
    const t = params.get(name);
    if (!t) throw new Error(`forecasterForward: no parameter "${name}"`);
    return fromTensor(t);
  };
  let seq = arr([batch, c.window, c.features], x);
  let last: Arr | null = null;
  for (let l = 0; l < c.layers; l++) {
    const p = l === 0 ? 'lstm' : `lstm.${l}`;
    const W = get(`${p}.W`), R = get(`${p}.R`), Bias = get(`${p}.B`);
    const H = c.hidden;
    const r = lstmForward(
      seq,
      arr([4 * H, W.dims[2]!], W.data),
      arr([4 * H, H], R.data),
      Bias.data.subarray(0, 4 * H),
      Bias.data.subarray(4 * H),
    );
    seq = r.Y;
    last = r.h;
  }
  let h = relu(last!);
  c.dense.forEach((_, k) => {
    h = relu(dense(h, get(`dense.${k}.weight`), get(`dense.${k}.bias`)));
  });
  return dense(h, get('fc.weight'), get('fc.bias')).data;
}

/** The losses as torch.nn.MSELoss, L1Loss and HuberLoss(delta) define them, with reduction='mean': per element
 *  d², |d|, and 0.5·d² for |d| < delta else delta·(|d| - 0.5·delta), averaged over every element. A loss added to
 *  LossName without a formula here fails to compile. */
export function lossReference(kind: LossName, y: ArrayLike<number>, target: ArrayLike<number>, delta = 1): number {
  const term = (d: number): number => {
    const a = Math.abs(d);
    switch (kind) {
      case 'mse':
        return d * d;
      case 'l1':
        return a;
      case 'huber':
        return a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
      default:
        return kind satisfies never;
    }
  };
  let s = 0;
  for (let i = 0; i < y.length; i++) s += term(y[i]! - target[i]!);
  return s / y.length;
}

// ---------------------------------------------------------------------------------------------------------------
// Array kernels for the interpreter

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

export function broadcastDims(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + i] ?? 1;
      if (e === 1) continue;
      if (d !== 1 && d !== e) throw new Error(`reference: cannot broadcast ${JSON.stringify(shapes)}`);
      d = e;
    }
    out.push(d);
  }
  return out;
}

/** Strides of `dims` read as the broadcast shape `out` (0 along broadcast axes). */
function broadcastStrides(dims: readonly number[], out: readonly number[]): number[] {
  const s = stridesOf(dims);
  const lead = out.length - dims.length;
  return out.map((_, i) => (i < lead || dims[i - lead] === 1 ? 0 : s[i - lead]!));
}

/** Elementwise f over inputs broadcast together (numpy rules). */
export function broadcastMap(inputs: Arr[], f: (...xs: number[]) => number): Arr {
  const out = broadcastDims(...inputs.map((a) => a.dims));
  const res = arr(out);
  const st = inputs.map((a) => broadcastStrides(a.dims, out));
  const idx = new Array<number>(out.length).fill(0);
  const off = inputs.map(() => 0);
  const args = new Array<number>(inputs.length);
  for (let k = 0; k < res.data.length; k++) {
    for (let j = 0; j < inputs.length; j++) args[j] = inputs[j]!.data[off[j]!]!;
    res.data[k] = f(...args);
    for (let ax = out.length - 1; ax >= 0; ax--) {
      idx[ax]!++;
      for (let j = 0; j < inputs.length; j++) off[j]! += st[j]![ax]!;
      if (idx[ax]! < out[ax]!) break;
      for (let j = 0; j < inputs.length; j++) off[j]! -= st[j]![ax]! * out[ax]!;
      idx[ax] = 0;
    }
  }
  return res;
}

/** Visits every multi-index of `dims` in row-major order. */
function forEachIndex(dims: readonly number[], cb: (idx: number[], k: number) => void): void {
  const n = sizeOf(dims);
  const idx = new Array<number>(dims.length).fill(0);
  for (let k = 0; k < n; k++) {
    cb(idx, k);
    for (let ax = dims.length - 1; ax >= 0; ax--) {
      if (++idx[ax]! < dims[ax]!) break;
      idx[ax] = 0;
    }
  }
}

export function matmul(a: Arr, b: Arr): Arr {
  if (a.dims.length < 2 || b.dims.length < 2) throw new Error('reference matmul: operands must have rank >= 2');
  const M = a.dims[a.dims.length - 2]!, K = a.dims[a.dims.length - 1]!;
  const N = b.dims[b.dims.length - 1]!;
  if (b.dims[b.dims.length - 2] !== K) throw new Error(`reference matmul: [${a.dims}] x [${b.dims}]`);
  const batch = broadcastDims(a.dims.slice(0, -2), b.dims.slice(0, -2));
  const sa = broadcastStrides(a.dims.slice(0, -2), batch), sb = broadcastStrides(b.dims.slice(0, -2), batch);
  const out = arr([...batch, M, N]);
  forEachIndex(batch, (idx, k) => {
    let oa = 0, ob = 0;
    idx.forEach((v, i) => {
      oa += v * sa[i]!;
      ob += v * sb[i]!;
    });
    oa *= M * K;
    ob *= K * N;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let q = 0; q < K; q++) s += a.data[oa + m * K + q]! * b.data[ob + q * N + n]!;
        out.data[k * M * N + m * N + n] = s;
      }
    }
  });
  return out;
}

export function transpose(x: Arr, perm?: readonly number[]): Arr {
  const p = perm ?? x.dims.map((_, i) => x.dims.length - 1 - i);
  const dims = p.map((i) => x.dims[i]!);
  const st = stridesOf(x.dims);
  const out = arr(dims);
  forEachIndex(dims, (idx, k) => {
    let off = 0;
    for (let i = 0; i < idx.length; i++) off += idx[i]! * st[p[i]!]!;
    out.data[k] = x.data[off]!;
  });
  return out;
}

function gemm(a: Arr, b: Arr, c: Arr | null, transA: boolean, transB: boolean, alpha: number, beta: number): Arr {
  const A = transA ? transpose(a) : a, B = transB ? transpose(b) : b;
  const y = matmul(A, B);
  for (let i = 0; i < y.data.length; i++) y.data[i]! *= alpha;
  return c ? broadcastMap([y, c], (p, q) => p + beta * q) : y;
}

export function reduce(x: Arr, axes: readonly number[] | null, keepdims: boolean, mean: boolean): Arr {
  const r = x.dims.length;
  const set = new Set((axes && axes.length > 0 ? axes : x.dims.map((_, i) => i)).map((a) => norm(a, r)));
  const keptDims = x.dims.map((d, i) => (set.has(i) ? 1 : d));
  const out = arr(keptDims);
  const st = stridesOf(keptDims);
  forEachIndex(x.dims, (idx, k) => {
    let off = 0;
    for (let i = 0; i < r; i++) if (!set.has(i)) off += idx[i]! * st[i]!;
    out.data[off]! += x.data[k]!;
  });
  if (mean) {
    const count = sizeOf(x.dims) / sizeOf(keptDims);
    for (let i = 0; i < out.data.length; i++) out.data[i]! /= count;
  }
  return keepdims ? out : arr(x.dims.filter((_, i) => !set.has(i)), out.data);
}

function concat(xs: Arr[], axis0: number): Arr {
  const axis = norm(axis0, xs[0]!.dims.length);
  const dims = [...xs[0]!.dims];
  dims[axis] = xs.reduce((s, a) => s + a.dims[axis]!, 0);
  const outer = sizeOf(dims.slice(0, axis));
  const out = arr(dims);
  let pos = 0;
  for (let o = 0; o < outer; o++) {
    for (const a of xs) {
      const chunk = sizeOf(a.dims.slice(axis));
      out.data.set(a.data.subarray(o * chunk, (o + 1) * chunk), pos);
      pos += chunk;
    }
  }
  return out;
}

function slice(x: Arr, starts: number[], ends: number[], axes: number[] | null, steps: number[] | null): Arr {
  const r = x.dims.length;
  const begin = x.dims.map(() => 0), step = x.dims.map(() => 1), dims = [...x.dims];
  (axes ?? starts.map((_, i) => i)).forEach((a0, i) => {
    const a = norm(a0, r), d = x.dims[a]!, s = steps?.[i] ?? 1;
    const fix = (v: number) => (v < 0 ? v + d : v);
    // ONNX clamps starts to [0, d] and ends to [0, d] for positive steps, to [0, d-1] and [-1, d-1] for negative.
    const hi = s > 0 ? d : d - 1;
    const st = Math.min(Math.max(fix(starts[i]!), 0), hi);
    const en = Math.min(Math.max(fix(ends[i]!), s > 0 ? 0 : -1), hi);
    begin[a] = st;
    step[a] = s;
    dims[a] = Math.max(0, Math.ceil((en - st) / s));
  });
  const xs = stridesOf(x.dims);
  const out = arr(dims);
  forEachIndex(dims, (idx, k) => {
    let off = 0;
    for (let i = 0; i < r; i++) off += (begin[i]! + idx[i]! * step[i]!) * xs[i]!;
    out.data[k] = x.data[off]!;
  });
  return out;
}

function gather(x: Arr, indices: Arr, axis0: number): Arr {
  const axis = norm(axis0, x.dims.length);
  const outer = sizeOf(x.dims.slice(0, axis)), n = x.dims[axis]!, inner = sizeOf(x.dims.slice(axis + 1));
  const out = arr([...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)]);
  let pos = 0;
  for (let o = 0; o < outer; o++) {
    for (const i0 of indices.data) {
      const i = i0 < 0 ? i0 + n : i0;
      if (i < 0 || i >= n) throw new Error(`reference gather: index ${i0} out of range for ${n}`);
      out.data.set(x.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), pos);
      pos += inner;
    }
  }
  return out;
}

function reshape(x: Arr, target: number[]): Arr {
  const dims = target.map((d, i) => (d === 0 ? x.dims[i]! : d));
  const minus = dims.indexOf(-1);
  if (minus >= 0) dims[minus] = sizeOf(x.dims) / -sizeOf(dims);
  return arr(dims, x.data);
}

/** ONNX LSTM (layout 0, forward, default activations): X [T,B,F], W [1,4H,F], R [1,4H,H], B [1,8H] -> Y [T,1,B,H],
 *  Y_h [1,B,H], Y_c [1,B,H]. Runs lstmForward on the batch-first view. */
function lstmOp(n: Node, X: Arr, W: Arr, R: Arr, B: Arr | null): Arr[] {
  const H = n.int('hidden_size', 0);
  const [T, Bt, F] = X.dims as [number, number, number];
  const r = lstmForward(transpose(X, [1, 0, 2]), arr([4 * H, F], W.data), arr([4 * H, H], R.data),
    B ? B.data.subarray(0, 4 * H) : null, B ? B.data.subarray(4 * H) : null);
  const Y = transpose(r.Y, [1, 0, 2]);
  return [arr([T, 1, Bt, H], Y.data), arr([1, Bt, H], r.h.data), arr([1, Bt, H], r.c.data)];
}

/** erf in float64 to ~1e-15: its Maclaurin series below |x| = 3 (terms peak near 170, so cancellation costs three
 *  digits at most), and the continued fraction of erfc beyond. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = x, sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = e^(-a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …)))), evaluated from the tail.
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

function expand(x: Arr, target: number[]): Arr {
  const dims = broadcastDims(x.dims, target);
  return broadcastMap([x, arr(dims)], (v) => v);
}

/** ONNX Conv, NCHW, any number of spatial axes: explicit pads (auto_pad NOTSET or VALID), strides, dilations, groups. */
export function conv(x: Arr, w: Arr, b: Arr | null, o: { pads?: number[]; strides?: number[]; dilations?: number[]; group?: number }): Arr {
  const [N, C] = x.dims as [number, number];
  const sp = x.dims.slice(2), ks = w.dims.slice(2);
  const S = sp.length, M = w.dims[0]!, G = o.group ?? 1, Cg = C / G, Mg = M / G;
  const pads = o.pads ?? new Array<number>(2 * S).fill(0);
  const strides = o.strides ?? new Array<number>(S).fill(1), dil = o.dilations ?? new Array<number>(S).fill(1);
  const outSp = sp.map((d, i) => Math.floor((d + pads[i]! + pads[S + i]! - ((ks[i]! - 1) * dil[i]! + 1)) / strides[i]!) + 1);
  const y = arr([N, M, ...outSp]);
  const xs = stridesOf(x.dims), ws = stridesOf(w.dims);
  forEachIndex(y.dims, (idx, k) => {
    const [n, m] = idx as [number, number];
    const gi = Math.floor(m / Mg);
    let s = b ? b.data[m]! : 0;
    for (let c = 0; c < Cg; c++) {
      forEachIndex(ks, (kk) => {
        let off = n * xs[0]! + (gi * Cg + c) * xs[1]!;
        for (let i = 0; i < S; i++) {
          const p = idx[2 + i]! * strides[i]! + kk[i]! * dil[i]! - pads[i]!;
          if (p < 0 || p >= sp[i]!) return;
          off += p * xs[2 + i]!;
        }
        let wo = m * ws[0]! + c * ws[1]!;
        for (let i = 0; i < S; i++) wo += kk[i]! * ws[2 + i]!;
        s += w.data[wo]! * x.data[off]!;
      });
    }
    y.data[k] = s;
  });
  return y;
}

// ---------------------------------------------------------------------------------------------------------------
// The interpreter

type Kernel = (n: Node, inputs: (Arr | null)[]) => Arr[];
const unary = (f: (v: number) => number): Kernel => (_, [x]) => [arr(x!.dims, x!.data.map(f))];
const binary = (f: (a: number, b: number) => number): Kernel => (_, [a, b]) => [broadcastMap([a!, b!], f)];
const ints = (a: Arr | null | undefined) => (a ? Array.from(a.data) : null);

const kernels: Record<string, Kernel> = {
  Identity: (_, [x]) => [x!],
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b),
  Less: binary((a, b) => (a < b ? 1 : 0)),
  Greater: binary((a, b) => (a > b ? 1 : 0)),
  Pow: binary((a, b) => a ** b),
  Neg: unary((v) => -v),
  Abs: unary(Math.abs),
  Sign: unary(Math.sign),
  Relu: unary((v) => (v > 0 ? v : 0)),
  Tanh: unary(Math.tanh),
  Sigmoid: unary(sigmoid),
  Exp: unary(Math.exp),
  Log: unary(Math.log),
  Sqrt: unary(Math.sqrt),
  Reciprocal: unary((v) => 1 / v),
  Where: (_, [c, a, b]) => [broadcastMap([c!, a!, b!], (p, q, r) => (p ? q : r))],
  // numpy's rule for 1-D operands: a row vector on the left, a column on the right, that axis dropped after.
  MatMul: (_, [a, b]) => {
    const y = matmul(a!.dims.length === 1 ? arr([1, ...a!.dims], a!.data) : a!, b!.dims.length === 1 ? arr([...b!.dims, 1], b!.data) : b!);
    const dims = y.dims.filter((_, i) => !((a!.dims.length === 1 && i === y.dims.length - 2) || (b!.dims.length === 1 && i === y.dims.length - 1)));
    return [arr(dims, y.data)];
  },
  Gemm: (n, [a, b, c]) => [gemm(a!, b!, c ?? null, n.int('transA', 0) === 1, n.int('transB', 0) === 1, n.float('alpha', 1), n.float('beta', 1))],
  ReduceSum: (n, [x, axes]) => [reduce(x!, ints(axes) ?? n.ints('axes') ?? null, n.int('keepdims', 1) === 1, false)],
  ReduceMean: (n, [x, axes]) => [reduce(x!, ints(axes) ?? n.ints('axes') ?? null, n.int('keepdims', 1) === 1, true)],
  Transpose: (n, [x]) => [transpose(x!, n.ints('perm'))],
  Reshape: (_, [x, shape]) => [reshape(x!, ints(shape)!)],
  Squeeze: (_, [x, axes]) => {
    const r = x!.dims.length;
    const drop = new Set((ints(axes) ?? x!.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => norm(a, r)));
    return [arr(x!.dims.filter((_, i) => !drop.has(i)), x!.data)];
  },
  Unsqueeze: (_, [x, axes]) => {
    const rank = x!.dims.length + axes!.data.length;
    const add = new Set(ints(axes)!.map((a) => norm(a, rank)));
    const dims: number[] = [];
    for (let i = 0, j = 0; i < rank; i++) dims.push(add.has(i) ? 1 : x!.dims[j++]!);
    return [arr(dims, x!.data)];
  },
  Concat: (n, xs) => [concat(xs as Arr[], n.int('axis', 0))],
  Split: (n, [x, sizes]) => {
    const axis = norm(n.int('axis', 0), x!.dims.length);
    const count = n.outputs.length;
    // Without sizes: parts of ceil(d/n), the last one smaller (opset 18's num_outputs).
    const part = Math.ceil(x!.dims[axis]! / count);
    const s = ints(sizes) ?? Array.from({ length: count }, (_, i) => Math.min(part, x!.dims[axis]! - part * i));
    let at = 0;
    return s.map((len) => {
      const part = slice(x!, [at], [at + len], [axis], null);
      at += len;
      return part;
    });
  },
  Slice: (_, [x, starts, ends, axes, steps]) => [slice(x!, ints(starts)!, ints(ends)!, ints(axes), ints(steps))],
  Gather: (n, [x, idx]) => [gather(x!, idx!, n.int('axis', 0))],
  LSTM: (n, [X, W, R, B]) => lstmOp(n, X!, W!, R!, B ?? null).slice(0, n.outputs.length),
  GRU: (n, [X, W, R, B, , h0]) => {
    const r = gruForward(X!, W!, R!, B ?? null, h0 ?? null, n.int('linear_before_reset', 0) === 1);
    const [T, Bt, H] = r.Y.dims as [number, number, number];
    return [arr([T, 1, Bt, H], r.Y.data), arr([1, Bt, H], r.h.data)].slice(0, n.outputs.length);
  },
  RNN: (n, [X, W, R, B, , h0]) => {
    const r = rnnForward(X!, W!, R!, B ?? null, h0 ?? null);
    const [T, Bt, H] = r.Y.dims as [number, number, number];
    return [arr([T, 1, Bt, H], r.Y.data), arr([1, Bt, H], r.h.data)].slice(0, n.outputs.length);
  },
  Flatten: (n, [x]) => {
    const axis = norm(n.int('axis', 1), x!.dims.length);
    return [arr([sizeOf(x!.dims.slice(0, axis)), sizeOf(x!.dims.slice(axis))], x!.data)];
  },
  Expand: (_, [x, shape]) => [expand(x!, ints(shape)!)],
  LeakyRelu: (n, [x]) => [arr(x!.dims, x!.data.map((v) => (v > 0 ? v : n.float('alpha', 0.01) * v)))],
  Elu: (n, [x]) => [arr(x!.dims, x!.data.map((v) => (v > 0 ? v : n.float('alpha', 1) * (Math.exp(v) - 1))))],
  Softplus: unary((v) => Math.log1p(Math.exp(v))),
  Erf: unary(erf),
  Gelu: (n, [x]) => {
    const tanhForm = n.string('approximate', 'none') === 'tanh';
    const k = Math.sqrt(2 / Math.PI);
    return [arr(x!.dims, x!.data.map((v) => (tanhForm ? 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v ** 3))) : 0.5 * v * (1 + erf(v / Math.SQRT2)))))];
  },
  Dropout: (_, [x]) => [x!],
  Constant: (n) => {
    const a = n.attrs.value ?? n.attrs.value_float ?? n.attrs.value_floats ?? n.attrs.value_int ?? n.attrs.value_ints;
    if (a?.type === 'tensor') return [fromTensor(a.value)];
    if (a?.type === 'float' || a?.type === 'int') return [arr([], [a.value])];
    if (a?.type === 'floats' || a?.type === 'ints') return [arr([a.value.length], a.value)];
    throw new Error('reference Constant: unknown form');
  },
  ConstantOfShape: (n, [shape]) => {
    const a = n.attrs.value;
    const v = a?.type === 'tensor' ? fromTensor(a.value).data[0]! : 0;
    return [arr(ints(shape)!, new Float64Array(sizeOf(ints(shape)!)).fill(v))];
  },
  Shape: (n, [x]) => {
    const r = x!.dims.length;
    const start = norm(n.int('start', 0), r), end = Math.min(norm(n.int('end', r), r), r);
    return [arr([Math.max(0, end - start)], x!.dims.slice(start, end))];
  },
  Range: (_, [s, l, d]) => {
    const [a, b, c] = [s!.data[0]!, l!.data[0]!, d!.data[0]!];
    const n = Math.max(0, Math.ceil((b - a) / c));
    return [arr([n], Array.from({ length: n }, (_, i) => a + i * c))];
  },
  // Values are float64 here whatever the type; a cast to an integer type truncates, as ONNX's does.
  Cast: (n, [x]) => [[1, 11].includes(n.int('to', 1)) ? x! : arr(x!.dims, x!.data.map(Math.trunc))],
  Conv: (n, [x, w, b]) => {
    if (!['NOTSET', 'VALID'].includes(n.string('auto_pad', 'NOTSET'))) throw new Error('reference Conv: auto_pad SAME_* is not interpreted');
    return [conv(x!, w!, b ?? null, { pads: n.ints('pads'), strides: n.ints('strides'), dilations: n.ints('dilations'), group: n.int('group', 1) })];
  },
};

export function interpretedOps(): string[] {
  return Object.keys(kernels).sort();
}

/** Evaluates `want` (default: the graph's outputs) in float64, running only the nodes they depend on.
 *  Feeds are keyed by input name; a bare Float64Array takes the input's declared (fixed) shape. Constants and
 *  initializers are read from the graph; `overrides` replaces any value (an initializer, say) by another array. */
export function evalGraph64(
  g: Graph,
  feeds: Record<string, Arr | ArrayLike<number>>,
  want: readonly Value[] = g.outputs,
  overrides: ReadonlyMap<Value, Arr> = new Map(),
): Arr[] {
  const env = new Map<Value, Arr>(overrides);
  for (const v of g.inputs) {
    const f = feeds[v.name];
    if (f === undefined) continue;
    if ('dims' in f) env.set(v, f);
    else {
      if (!v.shape || !v.shape.every((d) => typeof d === 'number')) throw new Error(`evalGraph64: input "${v.name}" has a symbolic shape: feed dims too`);
      env.set(v, arr(v.shape as number[], f as ArrayLike<number>));
    }
  }
  // Backward reach from what is wanted: gradient nodes appended after the loss are never run.
  const needed = new Set<Node>();
  const stack = [...want];
  const seen = new Set<Value>();
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v) || env.has(v)) continue;
    seen.add(v);
    if (v.constValue) {
      env.set(v, fromTensor(v.constValue));
      continue;
    }
    if (!v.producer) throw new Error(`evalGraph64: no value for "${v.name}" (an unfed input?)`);
    needed.add(v.producer);
    for (const i of v.producer.inputs) if (i) stack.push(i);
  }
  for (const n of g.nodes) {
    if (!needed.has(n)) continue;
    const k = kernels[n.op];
    if (!k) throw new Error(`evalGraph64: op ${n.op} is not interpreted`);
    const outs = k(n, n.inputs.map((v) => (v ? env.get(v)! : null)));
    n.outputs.forEach((v, i) => env.set(v, outs[i]!));
  }
  return want.map((v) => env.get(v)!);
}
