// The gradient check every rule test uses. A case builds a small graph from its inputs; each output is folded into a
// scalar loss as sum(out · W) with fixed random weights W, so every output element matters and no two elements get
// the same gradient by symmetry. The analytic gradients come from our autodiff, run in onnxruntime-node in float32;
// the reference is central finite differences of the same graph evaluated in float64 by test/helpers/reference.ts.
// Small inputs are compared element by element, large ones along random directions (JAX's check_grads idea).
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { gradients } from '../../src/autodiff/backward.ts';
import type { RecurrenceMode } from '../../src/autodiff/registry.ts';
import { Rng } from '../../src/data/rng.ts';
import { Graph } from '../../src/graph/graph.ts';
import { attr } from '../../src/graph/node.ts';
import { Ops } from '../../src/graph/ops.ts';
import type { Shape, Value } from '../../src/graph/value.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { Tensor } from '../../src/onnx/tensor.ts';
import { arr, evalGraph64, sizeOf, type Arr } from './reference.ts';

/** Allowed |analytic - fd| is ABS + REL·scale, scale = |fd| per element, or Σ|gᵢvᵢ| for a direction.
 *  The analytic side is float32 (ORT): a few 1e-7 relative per element, more after the sums of a matrix product or
 *  a 70-step BPTT recurrence. Observed over the whole suite (printed by the tests): at most 1.3e-6 absolute and
 *  1.9e-6 relative, i.e. under 1% of this bound; training_model against the float64 forecaster stays under 1e-7.
 *  A wrong rule is off by O(1) relative. REL = 1e-4 sits 50x above the worst float32 noise and still catches an
 *  error of one part in ten thousand; ABS = 1e-5 covers elements whose true gradient is near zero, where a relative
 *  bound means nothing. */
export const GRAD_ABS = 1e-5;
export const GRAD_REL = 1e-4;
/** Float64 central differences: truncation ~ε²·|f'''| ≈ 1e-12, rounding ~1e-16/ε ≈ 1e-10, both far below the
 *  float32 noise on the analytic side, so the reference is effectively exact. */
export const FD_EPS = 1e-6;
/** Inputs with at most this many elements are checked element by element; bigger ones along random directions. */
export const ELEMENTWISE_LIMIT = 64;

export interface GradInput {
  name: string;
  /** The dims fed at run time. */
  dims: number[];
  /** The declared shape, when it differs from `dims` (symbolic dims such as 'batch'). */
  shape?: Shape;
  /** Default: uniform magnitudes in [0.2, 1] with random signs, away from the kinks of Relu and Abs at 0. */
  data?: ArrayLike<number>;
  /** Whether to differentiate with respect to it (default true). */
  wrt?: boolean;
  /** The true gradient is exactly zero (R of an LSTM over one step, where h₋₁ = 0): asserted instead of compared. */
  zeroGradient?: boolean;
}

export interface GradCheck {
  inputs: GradInput[];
  /** Builds the op(s) under test; each output returned is folded into the loss. */
  build: (o: Ops, inputs: Value[]) => Value | Value[];
  seed?: number;
  /** 'auto' (default): elements for inputs up to ELEMENTWISE_LIMIT elements, directions above. */
  mode?: 'auto' | 'elements' | 'directions';
  /** Random directions per input in direction mode (default 3). */
  directions?: number;
  /** How LSTM gradients unroll their recurrence while this case is differentiated. */
  recurrence?: RecurrenceMode;
  /** The opset the graph is run at in ONNX Runtime (default: the project's), for ops newer than it (Gelu: 20). */
  opset?: number;
}

export interface GradReport {
  /** The graph with loss and gradients, to inspect what was emitted. */
  graph: Graph;
  /** Largest |analytic - fd| / allowed over the case (must be ≤ 1). */
  worstRatio: number;
  maxAbsErr: number;
  /** Comparisons made (elements plus directions). */
  checks: number;
}

const stats = { worstRatio: 0, maxAbsErr: 0, maxRelErr: 0, checks: 0, cases: 0 };
/** The worst errors seen by every check in this process, for the tests to print. */
export function gradcheckStats(): Readonly<typeof stats> {
  return stats;
}

export function randomData(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.2, 1));
}

export async function runOrt(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
  // Graph optimisations off: ORT runs exactly the graph we emitted.
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

export async function checkGradients(c: GradCheck): Promise<GradReport> {
  const rng = Rng.derive(c.seed ?? 0, 'gradcheck');
  const g = new Graph('gradcheck');
  const o = new Ops(g);
  const values = c.inputs.map((i) => g.input(i.name, 'float32', i.shape ?? i.dims));
  // Both sides see the same point: the float32 rounding of the data.
  const points = c.inputs.map((i) => arr(i.dims, Float32Array.from(i.data ?? randomData(rng, sizeOf(i.dims)))));
  const feeds64 = Object.fromEntries(c.inputs.map((inp, k) => [inp.name, points[k]!]));

  const built = c.build(o, values);
  const outs = Array.isArray(built) ? built : [built];
  // The outputs' run-time dims (symbolic dims resolved) size the weights of the loss.
  const outVals = evalGraph64(g, feeds64, outs);
  let loss: Value | null = null;
  let lossScale = 0;
  outs.forEach((out, k) => {
    const dims = outVals[k]!.dims;
    const w = Tensor.float(dims, randomData(rng, sizeOf(dims)));
    w.data.forEach((wi, j) => (lossScale += Math.abs(Number(wi) * outVals[k]!.data[j]!)));
    // ReduceSum without axes: all of them.
    const term = g.add('ReduceSum', [o.mul(out, g.constant(w))], { keepdims: attr.int(0) })[0]!;
    loss = loss ? o.add(loss, term) : term;
  });
  const lossV = g.output(loss!, 'loss');

  const wrt = c.inputs.flatMap((inp, k) => (inp.wrt === false ? [] : [{ inp, v: values[k]!, x: points[k]! }]));
  const grads = gradients(g, lossV, wrt.map((w) => w.v), { recurrence: c.recurrence });
  for (const w of wrt) g.output(grads.get(w.v)!, `${w.inp.name}_grad`);

  const feeds = Object.fromEntries(c.inputs.map((inp, k) => [inp.name, new ort.Tensor('float32', Float32Array.from(points[k]!.data), inp.dims)]));
  const result = await runOrt(serializeModel(g, { opset: c.opset }), feeds);

  const lossAt = (name: string, p: Arr) => evalGraph64(g, { ...feeds64, [name]: p }, [lossV])[0]!.data[0]!;
  const loss64 = lossAt(c.inputs[0]!.name, points[0]!);
  const loss32 = Number(result.loss!.data[0]);
  // The forward pass agrees too, relative to the size of the terms summed into the loss.
  assert.ok(Math.abs(loss32 - loss64) <= GRAD_ABS + GRAD_REL * lossScale, `forward mismatch: ORT loss ${loss32}, float64 ${loss64}`);

  const report: GradReport = { graph: g, worstRatio: 0, maxAbsErr: 0, checks: 0 };
  const failures: string[] = [];
  const compare = (what: string, analytic: number, fd: number, scale: number) => {
    const err = Math.abs(analytic - fd);
    const allowed = GRAD_ABS + GRAD_REL * scale;
    report.worstRatio = Math.max(report.worstRatio, err / allowed);
    report.maxAbsErr = Math.max(report.maxAbsErr, err);
    report.checks++;
    if (scale > 1e-2) stats.maxRelErr = Math.max(stats.maxRelErr, err / scale);
    if (!(err <= allowed)) failures.push(`${what}: analytic ${analytic}, finite difference ${fd}`);
  };

  for (const { inp, x } of wrt) {
    const ga = result[`${inp.name}_grad`]!;
    assert.deepEqual([...ga.dims], x.dims, `gradient of ${inp.name} has dims [${ga.dims}], want [${x.dims}]`);
    const grad = Float64Array.from(ga.data as Float32Array);
    if (inp.zeroGradient) {
      assert.ok(grad.every((v) => v === 0), `the gradient of ${inp.name} should be zero`);
      continue;
    }
    // Not vacuous: an all-zero gradient would match all-zero differences whatever the rule does.
    assert.ok(grad.some((v) => v !== 0), `the gradient of ${inp.name} is zero everywhere: choose other data`);
    const n = x.data.length;
    const byElement = c.mode === 'elements' || (c.mode !== 'directions' && n <= ELEMENTWISE_LIMIT);
    if (byElement) {
      for (let i = 0; i < n; i++) {
        const at = (d: number) => {
          const p = arr(x.dims, x.data);
          p.data[i]! += d;
          return lossAt(inp.name, p);
        };
        const fd = (at(FD_EPS) - at(-FD_EPS)) / (2 * FD_EPS);
        compare(`d loss/d ${inp.name}[${i}]`, grad[i]!, fd, Math.abs(fd));
      }
    } else {
      for (let k = 0; k < (c.directions ?? 3); k++) {
        const v = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
        const at = (d: number) => lossAt(inp.name, arr(x.dims, x.data.map((xi, i) => xi + d * v[i]!)));
        const fd = (at(FD_EPS) - at(-FD_EPS)) / (2 * FD_EPS);
        let analytic = 0, scale = 0;
        for (let i = 0; i < n; i++) {
          analytic += grad[i]! * v[i]!;
          scale += Math.abs(grad[i]! * v[i]!);
        }
        compare(`d loss/d ${inp.name} along direction ${k}`, analytic, fd, scale);
      }
    }
  }
  stats.worstRatio = Math.max(stats.worstRatio, report.worstRatio);
  stats.maxAbsErr = Math.max(stats.maxAbsErr, report.maxAbsErr);
  stats.checks += report.checks;
  stats.cases++;
  assert.equal(failures.length, 0, `${failures.length} gradient mismatches (allowed ${GRAD_ABS} + ${GRAD_REL}·scale):\n${failures.slice(0, 8).join('\n')}`);
  return report;
}
