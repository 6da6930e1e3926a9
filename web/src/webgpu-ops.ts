// Which of a model's nodes onnxruntime-web 1.29 can run on WebGPU: the ops its WebGPU (JSEP) provider has kernels
// for, read from the library (the WEBGPU_OP_RESOLVE_RULES table in onnxruntime-web's dist/ort.mjs, plus the kernels
// onnxruntime/core/providers/js registers in C++ alone: Shape, Reshape, Squeeze, Unsqueeze, Flatten, If, ReduceL1,
// ReduceL2). Every other node runs on the CPU (wasm). onnxruntime-web reports no placement through its API, and it
// may still put small shape arithmetic with a kernel on the CPU, so this is what can run there, not a guarantee.
import type { OnnxTypes as T } from '../../src/onnx/proto.ts';

export const WEBGPU_OPS: ReadonlySet<string> = new Set(
  (
    'Abs Acos Acosh Add ArgMax ArgMin Asin Asinh Atan Atanh AveragePool BatchNormalization Cast Ceil Clip Concat Conv ' +
    'ConvTranspose Cos Cosh CumSum DepthToSpace DequantizeLinear Div Einsum Elu Equal Erf Exp Expand Floor Gather ' +
    'GatherElements GatherND Gelu Gemm GlobalAveragePool GlobalMaxPool Greater GreaterOrEqual GridSample HardSigmoid ' +
    'HardSwish InstanceNormalization LayerNormalization LeakyRelu Less LessOrEqual Log MatMul MaxPool Mul Neg Not Pad Pow ' +
    'Range Reciprocal ReduceMin ReduceMean ReduceMax ReduceSum ReduceProd ReduceLogSum ReduceLogSumExp ReduceSumSquare ' +
    'Relu Resize ScatterND Sigmoid Sin Sinh Slice Split Sqrt Softmax Sub Tan Tanh ThresholdedRelu Tile Transpose Where ' +
    'Shape Reshape Squeeze Unsqueeze Flatten If ReduceL1 ReduceL2'
  ).split(' '),
);

export interface Placement {
  /** Op type -> node count, for nodes with a WebGPU kernel. */
  webgpu: Map<string, number>;
  /** Op type -> node count, for nodes that run on the CPU whatever the provider. */
  cpu: Map<string, number>;
}

/** Every node of the graph and of its Loop/Scan/If bodies, sorted by whether WebGPU has a kernel for its op. */
export function webgpuPlacement(graph: T.IGraphProto): Placement {
  const out: Placement = { webgpu: new Map(), cpu: new Map() };
  const walk = (g: T.IGraphProto) => {
    for (const n of g.node ?? []) {
      const op = n.opType ?? '?';
      const side = !n.domain && WEBGPU_OPS.has(op) ? out.webgpu : out.cpu;
      side.set(op, (side.get(op) ?? 0) + 1);
      for (const a of n.attribute ?? []) if (a.g) walk(a.g);
    }
  };
  walk(graph);
  return out;
}
