// Everything the project emits is standard ONNX at the pinned opset: each artifact graph loads in
// onnxruntime-node, and a walk through every node, recursively into Loop and Scan bodies, finds only the default
// domain, no local functions, opset 18 with IR version 8, and names that are unique across the whole model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { onnx as T } from 'onnx-proto';
import { inferenceGraph } from '../../src/artifacts/inference.ts';
import { optimizerGraph } from '../../src/artifacts/optimizer.ts';
import { trainStepGraph } from '../../src/artifacts/train-step.ts';
import { evalGraph, trainingGraph } from '../../src/artifacts/training.ts';
import type { Graph } from '../../src/graph/graph.ts';
import { forecasterModel, initParameters, type ModelConfig } from '../../src/graph/model.ts';
import { decodeModel } from '../../src/onnx/codec.ts';
import { IR_VERSION, OPSET, serializeModel } from '../../src/onnx/serialize.ts';
import { makeOptimizer, type OptimizerName } from '../../src/optim/index.ts';

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

function emitted(): { name: string; graph: () => Graph }[] {
  const out: { name: string; graph: () => Graph }[] = [];
  for (const layers of [1, 2]) {
    const c: ModelConfig = { features: 2, window: 6, hidden: 4, layers, outputs: 1, dense: layers === 2 ? [3] : [] };
    out.push({ name: `model.onnx, ${layers} layer(s)`, graph: () => inferenceGraph(forecasterModel(c), initParameters(c, 0)) });
    out.push({ name: `eval_model.onnx, ${layers} layer(s)`, graph: () => evalGraph(forecasterModel(c)) });
    for (const mode of ['scan', 'unrolled'] as const) {
      out.push({ name: `training_model.onnx, ${layers} layer(s), ${mode}`, graph: () => trainingGraph(forecasterModel(c), { recurrence: mode }) });
      out.push({ name: `train_step.onnx (adam), ${layers} layer(s), ${mode}`, graph: () => trainStepGraph(forecasterModel(c), makeOptimizer('adam'), { recurrence: mode }) });
    }
    for (const opt of ['adam', 'adamw', 'sgd'] as OptimizerName[]) {
      out.push({ name: `optimizer_model.onnx (${opt}), ${layers} layer(s)`, graph: () => optimizerGraph(forecasterModel(c), makeOptimizer(opt)) });
    }
  }
  const tutorial: ModelConfig = { features: 1, window: 10, hidden: 5, layers: 1, outputs: 1, dense: [] };
  out.push({ name: 'train_step.onnx (sgd, huber), tutorial, auto', graph: () => trainStepGraph(forecasterModel(tutorial), makeOptimizer('sgd'), { loss: 'huber' }) });
  return out;
}

interface Walk {
  ops: Set<string>;
  subgraphs: number;
  names: string[];
}

/** Every node of the graph and of the graphs in its attributes; fails on any domain other than the default. */
function walk(g: T.IGraphProto, where: string, acc: Walk): Walk {
  acc.names.push(...(g.input ?? []).map((v) => v.name!), ...(g.initializer ?? []).map((t) => t.name!));
  for (const n of g.node ?? []) {
    const at = `${where} > ${n.opType} "${n.name}"`;
    assert.ok(DEFAULT_DOMAINS.has(n.domain ?? ''), `${at} is in domain "${n.domain}"`);
    acc.ops.add(n.opType!);
    acc.names.push(...(n.output ?? []).filter((o) => o !== ''));
    for (const a of n.attribute ?? []) {
      for (const sub of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
        acc.subgraphs++;
        walk(sub, `${at}.${a.name}`, acc);
      }
    }
  }
  return acc;
}

for (const { name, graph } of emitted()) {
  test(`${name}: standard ONNX, opset ${OPSET}, IR ${IR_VERSION}, loads in onnxruntime-node`, async () => {
    const bytes = serializeModel(graph());
    const model = decodeModel(bytes, name);
    assert.equal(Number(model.irVersion), 8);
    assert.equal(OPSET, 18);
    assert.deepEqual(model.opsetImport.map((o) => [o.domain ?? '', Number(o.version)]), [['', 18]]);
    assert.equal((model.functions ?? []).length, 0, 'model-local functions');
    const w = walk(model.graph!, name, { ops: new Set(), subgraphs: 0, names: [] });
    assert.ok(w.ops.size > 0);
    if (/training_model|train_step/.test(name) && /scan/.test(name)) assert.ok(w.subgraphs > 0, 'expected a Scan or Loop body');
    const dup = w.names.filter((n, i) => w.names.indexOf(n) !== i);
    assert.deepEqual(dup, [], 'names defined twice (ONNX needs SSA and no shadowing in subgraphs)');
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    assert.ok(session.inputNames.length > 0 && session.outputNames.length > 0);
    await session.release();
  });
}

test('the walk sees into subgraphs and rejects another domain', () => {
  const body: T.IGraphProto = { node: [{ opType: 'FusedThing', name: 'inner', domain: 'com.microsoft', output: ['z'] }] };
  const outer: T.IGraphProto = {
    node: [{ opType: 'Loop', name: 'loop', output: ['y'], attribute: [{ name: 'body', g: body }] }],
  };
  assert.throws(() => walk(outer, 'test', { ops: new Set(), subgraphs: 0, names: [] }), /FusedThing "inner" is in domain "com.microsoft"/);
});
