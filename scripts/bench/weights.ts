// ONNX LSTM weights in the layouts of the other frameworks, so that every contender starts from the same point.
// ONNX: W [1, 4H, F], R [1, 4H, H], B [1, 8H] (input biases, then recurrent biases), gate blocks i, o, f, c.
// Keras/tfjs: kernel [F, 4H], recurrentKernel [H, 4H], bias [4H], gate blocks i, f, c, o.
// PyTorch: weight_ih [4H, F], weight_hh [4H, H], bias_ih [4H], bias_hh [4H], gate blocks i, f, g, o (g = c).

/** For each target gate block (i, f, c, o), the ONNX block it comes from (ONNX order i=0, o=1, f=2, c=3). */
export const IFCO_FROM_ONNX = [0, 2, 3, 1] as const;

/** Rows of a [4H, n] ONNX matrix reordered to i, f, c, o blocks. */
export function reorderGates(m: Float32Array, hidden: number, cols: number): Float32Array {
  const out = new Float32Array(4 * hidden * cols);
  IFCO_FROM_ONNX.forEach((src, dst) => out.set(m.subarray(src * hidden * cols, (src + 1) * hidden * cols), dst * hidden * cols));
  return out;
}

/** [rows, cols] row-major transposed to [cols, rows]. */
export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

export interface OnnxLstm {
  W: Float32Array;
  R: Float32Array;
  B: Float32Array;
  hidden: number;
  features: number;
}

export interface TorchLstm {
  weight_ih: Float32Array; // [4H, F]
  weight_hh: Float32Array; // [4H, H]
  bias_ih: Float32Array; // [4H]
  bias_hh: Float32Array; // [4H]
}

export interface KerasLstm {
  kernel: Float32Array; // [F, 4H]
  recurrentKernel: Float32Array; // [H, 4H]
  bias: Float32Array; // [4H]: Keras has one bias, the sum of ONNX's two
}

export function onnxToTorch({ W, R, B, hidden: H, features: F }: OnnxLstm): TorchLstm {
  return {
    weight_ih: reorderGates(W, H, F),
    weight_hh: reorderGates(R, H, H),
    bias_ih: reorderGates(B.subarray(0, 4 * H), H, 1),
    bias_hh: reorderGates(B.subarray(4 * H, 8 * H), H, 1),
  };
}

export function onnxToKeras(l: OnnxLstm): KerasLstm {
  const t = onnxToTorch(l);
  return {
    kernel: transpose(t.weight_ih, 4 * l.hidden, l.features),
    recurrentKernel: transpose(t.weight_hh, 4 * l.hidden, l.hidden),
    bias: t.bias_ih.map((b, i) => b + t.bias_hh[i]!),
  };
}

/** The forecaster's LSTM parameters by their interface names (lstm.W/R/B). */
export function onnxLstm(params: Map<string, Float32Array>, hidden: number, features = 1): OnnxLstm {
  return { W: params.get('lstm.W')!, R: params.get('lstm.R')!, B: params.get('lstm.B')!, hidden, features };
}
