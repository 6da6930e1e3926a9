// Moving weights between model.onnx and the train step's flat vector, in the manifest's parameter order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { forecasterModel, initParameters, parameterSpecs, TUTORIAL_MODEL } from '../../src/graph/model.ts';
import { decodeModel } from '../../src/onnx/codec.ts';
import { serializeModel } from '../../src/onnx/serialize.ts';
import { flattenParameters, withParameters } from '../../web/src/weights.ts';

const c = TUTORIAL_MODEL;
const params = parameterSpecs(c).map((s) => ({ name: s.name, dims: s.dims, dtype: 'float32' }));

test('flattens the parameters in manifest order, row-major', () => {
  const init = initParameters(c, 0);
  const flat = flattenParameters(decodeModel(serializeModel(inferenceGraph(forecasterModel(c), init))), params, 'model.onnx');
  const expected = params.flatMap((p) => Array.from(init.get(p.name)!.data as Float32Array));
  assert.deepEqual(Array.from(flat), expected);
});

test('writes a flat vector back as the same model with new weights', async () => {
  const bytes = serializeModel(inferenceGraph(forecasterModel(c), initParameters(c, 0)));
  const other = initParameters(c, 1);
  const flat = Float32Array.from(params.flatMap((p) => Array.from(other.get(p.name)!.data as Float32Array)));
  const tuned = withParameters(bytes, params, flat, 'model.onnx');
  assert.deepEqual(tuned, serializeModel(inferenceGraph(forecasterModel(c), other)), 'byte for byte what the builder writes for those weights');
  const session = await ort.InferenceSession.create(tuned);
  assert.deepEqual(session.inputNames, ['x']);
  await session.release();
});

test('a manifest naming a parameter the model lacks, or with other dims, is an error naming both', () => {
  const model = decodeModel(serializeModel(inferenceGraph(forecasterModel(c), initParameters(c, 0))));
  assert.throws(() => flattenParameters(model, [{ name: 'lstm.X', dims: [1], dtype: 'float32' }], 'model.onnx'), /model\.onnx has no initializer "lstm\.X" named in manifest\.json/);
  assert.throws(() => flattenParameters(model, [{ name: 'fc.bias', dims: [2], dtype: 'float32' }], 'model.onnx'), /"fc\.bias" is float32 \[1\], manifest\.json says float32 \[2\]/);
});
