// The tensor a Constant node makes, from whichever of its value attributes it has: shape inference and the
// ONNX loader (which keeps it on the node's output, so later inference reads axes and shapes from it) both need it.
import { Tensor } from '../onnx/tensor.ts';
import type { Attrs } from './node.ts';

export function constantNodeValue(attrs: Attrs): Tensor {
  const a = attrs.value ?? attrs.value_float ?? attrs.value_floats ?? attrs.value_int ?? attrs.value_ints;
  switch (a?.type) {
    case 'tensor': return a.value;
    case 'float': return Tensor.float([], [a.value]);
    case 'floats': return Tensor.float([a.value.length], a.value);
    case 'int': return Tensor.int64([], [a.value]);
    case 'ints': return Tensor.int64([a.value.length], a.value);
    default: throw new Error('a Constant node needs a tensor, float(s) or int(s) value (sparse and string values are not read)');
  }
}
