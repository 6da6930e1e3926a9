// ONNX features that got past the validator to ONNX Runtime (which then failed with a 600-character C++ message, or
// worse): sparse tensors in attributes, and the location by which ONNX Runtime reads external data from its own
// memory. Each is refused by the loader in one line, and by predict before a session is made.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModelFile } from '../../src/node/onnx-file.ts';
import { encodeModel } from '../../src/onnx/codec.ts';
import { OnnxError } from '../../src/onnx/errors.ts';
import { onnx } from '../../src/onnx/proto.ts';
import { predictSeries } from '../../src/train/predict.ts';
import { tempDirs } from '../helpers/tmp.ts';
import { copyModel, inlineModel, setExternal, writeExternalModel } from './fixtures/models.ts';

const freshDir = tempDirs('ingraph-onnx-refusals');

const refusal = (path: string): string => {
  try {
    loadModelFile(path);
  } catch (e) {
    assert.ok(e instanceof OnnxError, String(e));
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  return 'ok';
};
const series = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i / 3));

test('a Constant whose sparse_value attribute holds a sparse tensor is refused in one line', async () => {
  const dir = freshDir();
  const m = copyModel(inlineModel().proto);
  const values = { dims: [1], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [1] };
  const indices = { dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [0] };
  m.graph!.node!.unshift({
    opType: 'Constant', name: 'sparse', output: ['sparse_out'],
    attribute: [{ name: 'sparse_value', type: onnx.AttributeProto.AttributeType.SPARSE_TENSOR, sparseTensor: { values, indices, dims: [4] } }],
  });
  const path = join(dir, 'model.onnx');
  writeFileSync(path, encodeModel(m));
  assert.match(refusal(path), /model\.onnx: graph .*: node 0 \("Constant" "sparse"\) attribute "sparse_value" holds a sparse tensor, which ingraph does not read$/);
  await assert.rejects(predictSeries(path, series), /holds a sparse tensor/);
  // The plural form too.
  m.graph!.node![0]!.attribute = [{ name: 'x', type: onnx.AttributeProto.AttributeType.SPARSE_TENSORS, sparseTensors: [{ values, indices, dims: [4] }] }];
  writeFileSync(path, encodeModel(m));
  assert.match(refusal(path), /attribute "x" holds a sparse tensor/);
});

test('external data located at ONNX Runtime\'s in-memory marker is refused, even when a file of that name exists', async () => {
  const dir = freshDir();
  const { path, proto, data } = writeExternalModel(dir);
  // The marker as a real path inside the model's folder: our reader alone would accept it.
  mkdirSync(join(dir, '*', '_ORT_MEM_ADDR_'), { recursive: true });
  writeFileSync(join(dir, '*', '_ORT_MEM_ADDR_', '*'), data);
  const m = copyModel(proto);
  setExternal(m, 'fc.weight', 'location', '*/_ORT_MEM_ADDR_/*');
  setExternal(m, 'fc.weight', 'offset', '140737488355328');
  writeFileSync(path, encodeModel(m));
  assert.match(refusal(path), /tensor "fc\.weight" names ONNX Runtime's in-memory marker "\*\/_ORT_MEM_ADDR_\/\*" as its location, which no file may$/);
  await assert.rejects(predictSeries(path, series), /in-memory marker/);
});
