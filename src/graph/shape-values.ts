// What the small integer tensors of a graph hold, where it can be told before running it: shape vectors. An
// exporter computes a reshape's target or a zero state's shape from Shape(x) -> Gather/Slice -> Concat at run
// time; following those ops on dims (numbers, or symbols such as 'batch') tells the value, symbol by symbol.
// ONNX calls this data propagation. A vector of numbers only is a constant.
import type { Node } from './node.ts';
import type { Dim, Value } from './value.ts';

/** The elements of a rank-0 (scalar) or rank-1 integer value. */
export interface DimVector {
  scalar: boolean;
  dims: Dim[];
}

const norm = (i: number, n: number) => (i < 0 ? i + n : i);

/** The vector `node` computes, given what is known of its inputs (`known`), or null when it cannot be told. */
export function propagate(node: Node, known: (v: Value | null) => DimVector | null): DimVector | null {
  const [a, b] = [known(node.inputs[0] ?? null), known(node.inputs[1] ?? null)];
  switch (node.op) {
    case 'Shape': {
      const shape = node.inputs[0]!.shape;
      if (!shape) return null;
      const r = shape.length;
      const start = Math.min(r, Math.max(0, norm(node.int('start', 0), r)));
      const end = Math.min(r, Math.max(0, norm(node.int('end', r), r)));
      return { scalar: false, dims: shape.slice(start, end) };
    }
    case 'Identity':
    case 'Cast':
      return a;
    case 'Gather': {
      if (!a || a.scalar || !b || node.int('axis', 0) !== 0) return null;
      const picks = b.dims.map((i) => (typeof i === 'number' ? a.dims[norm(i, a.dims.length)] : undefined));
      return picks.some((d) => d === undefined) ? null : { scalar: b.scalar, dims: picks as Dim[] };
    }
    case 'Unsqueeze':
      return a?.scalar && b && b.dims.length === 1 && (b.dims[0] === 0 || b.dims[0] === -1) ? { scalar: false, dims: a.dims } : null;
    case 'Squeeze':
      return a && !a.scalar && a.dims.length === 1 && (!b || (b.dims.length === 1 && (b.dims[0] === 0 || b.dims[0] === -1))) ? { scalar: true, dims: a.dims } : null;
    case 'Reshape': {
      if (!a || !b || b.dims.some((d) => typeof d !== 'number')) return null;
      const target = b.dims as number[];
      if (target.length === 0) return a.dims.length === 1 ? { scalar: true, dims: a.dims } : null;
      return target.length === 1 && (target[0] === -1 || target[0] === a.dims.length) ? { scalar: false, dims: a.dims } : null;
    }
    case 'Concat': {
      const parts = node.inputs.map((v) => known(v));
      if (parts.some((p) => !p || p.scalar)) return null;
      return { scalar: false, dims: parts.flatMap((p) => p!.dims) };
    }
    case 'Slice':
      return sliceVector(node, a, known);
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return a && b ? arithmetic(node.op, a, b) : null;
    default:
      return null;
  }
}

function sliceVector(node: Node, a: DimVector | null, known: (v: Value | null) => DimVector | null): DimVector | null {
  if (!a || a.scalar) return null;
  const [starts, ends, axes, steps] = [1, 2, 3, 4].map((i) => (node.inputs[i] ? known(node.inputs[i]!) : null));
  const num = (v: DimVector | null) => (v && v.dims.length === 1 && typeof v.dims[0] === 'number' ? v.dims[0] : undefined);
  const [s0, e0, axis, step] = [num(starts), num(ends), node.inputs[3] ? num(axes) : 0, node.inputs[4] ? num(steps) : 1];
  if (s0 === undefined || e0 === undefined || axis === undefined || step === undefined || step === 0 || norm(axis, 1) !== 0) return null;
  const n = a.dims.length;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const [s, e] = step > 0 ? [clamp(s0, 0, n), clamp(e0, 0, n)] : [clamp(s0, 0, n - 1), clamp(e0, -1, n - 1)];
  const dims: Dim[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) dims.push(a.dims[i]!);
  return { scalar: false, dims };
}

function arithmetic(op: string, a: DimVector, b: DimVector): DimVector | null {
  const n = Math.max(a.dims.length, b.dims.length);
  if ((a.dims.length !== n && a.dims.length !== 1) || (b.dims.length !== n && b.dims.length !== 1)) return null;
  const dims = Array.from({ length: n }, (_, i): Dim => {
    const x = a.dims[a.dims.length === 1 ? 0 : i]!, y = b.dims[b.dims.length === 1 ? 0 : i]!;
    if (typeof x === 'number' && typeof y === 'number') {
      // Integer ops: ONNX Runtime's Div truncates toward zero.
      return op === 'Add' ? x + y : op === 'Sub' ? x - y : op === 'Mul' ? x * y : y === 0 ? null : Math.trunc(x / y);
    }
    if (op === 'Mul' && (x === 1 || y === 1)) return x === 1 ? y : x;
    if ((op === 'Add' || op === 'Sub') && y === 0) return x;
    if (op === 'Div' && y === 1) return x;
    return null;
  });
  return { scalar: a.scalar && b.scalar, dims };
}
