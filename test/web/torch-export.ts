// An LSTM forecaster shaped the way PyTorch's legacy torch.onnx.export writes nn.LSTM(batch_first=True) followed
// by two Linear layers: opset 17, names like /lstm/LSTM and onnx::LSTM_87, Constant nodes for every axis and
// index, and the zero initial states built at run time from Shape -> Gather -> Unsqueeze -> Concat ->
// ConstantOfShape. What the viewer's graph must stay readable on.
import type { onnx as T } from 'onnx-proto';
import { initParameters, TUTORIAL_MODEL } from '../../src/graph/model.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { onnx } from '../../src/onnx/proto.ts';
import { tensorToProto } from '../../src/onnx/tensor-proto.ts';
import { Tensor } from '../../src/onnx/tensor.ts';

const A = onnx.AttributeProto.AttributeType;
const ints = (name: string, v: number[]): T.IAttributeProto => ({ name, type: A.INTS, ints: v });
const int = (name: string, v: number): T.IAttributeProto => ({ name, type: A.INT, i: v });
const tensorAttr = (name: string, t: Tensor): T.IAttributeProto => ({ name, type: A.TENSOR, t: tensorToProto('', t) });
const io = (name: string, dims: (number | string)[]): T.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});

export function torchLegacyForecaster(seed = 3, dense = 16): Uint8Array {
  const c = TUTORIAL_MODEL;
  const H = c.hidden;
  const p = initParameters({ ...c, dense: [] }, seed);
  const nodes: T.INodeProto[] = [];
  let k = 0;
  const node = (op: string, scope: string, inputs: string[], attrs: T.IAttributeProto[] = [], outputs = 1): string[] => {
    const name = `${scope}/${op}${k ? `_${k}` : ''}`;
    const outs = Array.from({ length: outputs }, (_, i) => `${name}_output_${i}`);
    nodes.push({ opType: op, name, input: inputs, output: outs, attribute: attrs });
    k++;
    return outs;
  };
  const constant = (scope: string, t: Tensor) => node('Constant', scope, [], [tensorAttr('value', t)])[0]!;
  const initialState = (scope: string) => {
    const shape = node('Shape', scope, ['input'])[0]!;
    const batch = node('Gather', scope, [shape, constant(scope, Tensor.int64([], [0]))], [int('axis', 0)])[0]!;
    const unsq = node('Unsqueeze', scope, [batch, constant(scope, Tensor.int64([1], [0]))])[0]!;
    const dims = node('Concat', scope, [constant(scope, Tensor.int64([1], [1])), unsq, constant(scope, Tensor.int64([1], [H]))], [int('axis', 0)])[0]!;
    return node('ConstantOfShape', scope, [dims], [tensorAttr('value', Tensor.float([1], [0]))])[0]!;
  };
  const h0 = initialState('/lstm');
  const c0 = initialState('/lstm');
  const xt = node('Transpose', '/lstm', ['input'], [ints('perm', [1, 0, 2])])[0]!;
  const [y] = node('LSTM', '/lstm', [xt, 'onnx::LSTM_87', 'onnx::LSTM_88', 'onnx::LSTM_89', '', h0, c0], [int('hidden_size', H)], 3);
  const sq = node('Squeeze', '/lstm', [y!, constant('/lstm', Tensor.int64([1], [1]))])[0]!;
  const bt = node('Transpose', '/lstm', [sq], [ints('perm', [1, 0, 2])])[0]!;
  const last = node('Gather', '', [bt, constant('', Tensor.int64([], [-1]))], [int('axis', 1)])[0]!;
  const fc1 = node('Gemm', '/fc1', [last, 'fc1.weight', 'fc1.bias'], [int('transB', 1)])[0]!;
  const act = node('Relu', '/relu', [fc1])[0]!;
  nodes.push({ opType: 'Gemm', name: '/fc2/Gemm', input: [act, 'fc2.weight', 'fc2.bias'], output: ['output'], attribute: [int('transB', 1)] });

  const rand = (n: number, s: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 0.3);
  const initializer = [
    tensorToProto('onnx::LSTM_87', p.get('lstm.W')!),
    tensorToProto('onnx::LSTM_88', p.get('lstm.R')!),
    tensorToProto('onnx::LSTM_89', p.get('lstm.B')!),
    tensorToProto('fc1.weight', new Tensor('float32', [dense, H], rand(dense * H, 1))),
    tensorToProto('fc1.bias', new Tensor('float32', [dense], rand(dense, 2))),
    tensorToProto('fc2.weight', new Tensor('float32', [1, dense], rand(dense, 3))),
    tensorToProto('fc2.bias', new Tensor('float32', [1], rand(1, 4))),
  ];
  return encodeModel({
    irVersion: 8,
    producerName: 'pytorch',
    producerVersion: '2.5.1',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'main_graph', node: nodes, initializer, input: [io('input', ['batch_size', c.window, 1])], output: [io('output', ['batch_size', 1])] },
  });
}
