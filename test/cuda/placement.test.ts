import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingProviderFiles, providerDir, tinyModel } from '../../src/train/cuda.ts';
import { nodesOffProvider, parsePlacements, placementsOf } from '../../src/train/placement.ts';
import { EpError } from '../../src/train/providers.ts';

// Captured from onnxruntime-node 1.29.0 on the CPU EP (logSeverityLevel 0, optimization disabled, Identity -> Relu).
const CPU_LOG = `\
2026-11-26 14:07:31.620518381 [I:onnxruntime:, graph_transformer.cc:15 Apply] GraphTransformer MemcpyTransformer modified: 0 with status: OK
2026-11-26 14:07:31.620537519 [V:onnxruntime:, session_state.cc:1378 VerifyEachNodeIsAssignedToAnEp] Node placements
2026-11-26 14:07:31.620540464 [V:onnxruntime:, session_state.cc:1381 VerifyEachNodeIsAssignedToAnEp]  All nodes placed on [CPUExecutionProvider]. Number of nodes: 2
2026-11-26 14:07:31.620556678 [V:onnxruntime:, session_state.cc:186 CreateGraphInfo] SaveMLValueNameIndexMapping
`;

// The multi-provider form, as session_state.cc writes it: a header per provider, then "  OpType (name)" lines.
const CUDA_LOG = `\
2026-11-26 15:00:00.000000001 [V:onnxruntime:, session_state.cc:1378 VerifyEachNodeIsAssignedToAnEp] Node placements
2026-11-26 15:00:00.000000002 [V:onnxruntime:, session_state.cc:1386 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CUDAExecutionProvider]. Number of nodes: 3
2026-11-26 15:00:00.000000003 [V:onnxruntime:, session_state.cc:1388 VerifyEachNodeIsAssignedToAnEp]   MemcpyFromHost (Memcpy)
2026-11-26 15:00:00.000000004 [V:onnxruntime:, session_state.cc:1388 VerifyEachNodeIsAssignedToAnEp]   LSTM (lstm_0)
2026-11-26 15:00:00.000000005 [V:onnxruntime:, session_state.cc:1388 VerifyEachNodeIsAssignedToAnEp]   Gemm (head)
2026-11-26 15:00:00.000000006 [V:onnxruntime:, session_state.cc:1386 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2
2026-11-26 15:00:00.000000007 [V:onnxruntime:, session_state.cc:1388 VerifyEachNodeIsAssignedToAnEp]   Shape (shape_0)
2026-11-26 15:00:00.000000008 [V:onnxruntime:, session_state.cc:1388 VerifyEachNodeIsAssignedToAnEp]   Scan ()
2026-11-26 15:00:00.000000009 [W:onnxruntime:, session_state.cc:1400 VerifyEachNodeIsAssignedToAnEp] Some nodes were not assigned to the preferred execution providers which may or may not have an negative impact on performance. e.g. ORT explicitly assigns shape related ops to CPU to improve perf.
2026-11-26 15:00:00.000000010 [V:onnxruntime:, session_state.cc:186 CreateGraphInfo] SaveMLValueNameIndexMapping
`;

function tinyModelFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'ingraph-placement-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tiny.onnx'), tinyModel());
  return join(dir, 'tiny.onnx');
}

test('a captured CPU log: one provider, a count and no names', () => {
  const p = parsePlacements(CPU_LOG);
  assert.deepEqual(p, { byProvider: { CPUExecutionProvider: [] }, counts: { CPUExecutionProvider: 2 } });
  assert.deepEqual(nodesOffProvider(p, 'CPUExecutionProvider'), []);
  assert.deepEqual(nodesOffProvider(p, 'CUDAExecutionProvider'), ['2 unnamed node(s) on CPUExecutionProvider']);
});

test('a CUDA-format log: each provider with its nodes, and what fell off CUDA', () => {
  const p = parsePlacements(CUDA_LOG);
  assert.deepEqual(p.byProvider, {
    CUDAExecutionProvider: ['MemcpyFromHost (Memcpy)', 'LSTM (lstm_0)', 'Gemm (head)'],
    CPUExecutionProvider: ['Shape (shape_0)', 'Scan ()'],
  });
  assert.deepEqual(p.counts, { CUDAExecutionProvider: 3, CPUExecutionProvider: 2 });
  assert.deepEqual(nodesOffProvider(p, 'CUDAExecutionProvider'), ['Shape (shape_0)', 'Scan ()']);
});

test('placements of two sessions in one log add up; a log without placements gives none', () => {
  const p = parsePlacements(CPU_LOG + CUDA_LOG);
  assert.deepEqual(p.counts, { CPUExecutionProvider: 4, CUDAExecutionProvider: 3 });
  assert.deepEqual(nodesOffProvider(p, 'CUDAExecutionProvider'), ['Shape (shape_0)', 'Scan ()', '2 unnamed node(s) on CPUExecutionProvider']);
  assert.deepEqual(parsePlacements('2026-11-26 [I:onnxruntime:, inference_session.cc:2867 Initialize] Session successfully initialized.'), {
    byProvider: {}, counts: {},
  });
});

test('placementsOf a tiny model on the CPU EP, captured from a child process', async (t) => {
  assert.deepEqual(await placementsOf(tinyModelFile(t), { ep: 'cpu' }), {
    byProvider: { CPUExecutionProvider: [] }, counts: { CPUExecutionProvider: 1 },
  });
});

test('placementsOf on CUDA without the provider rejects with the EpError', {
  skip: missingProviderFiles(providerDir()).length === 0 && 'the CUDA provider is installed here',
}, async (t) => {
  await assert.rejects(placementsOf(tinyModelFile(t), { ep: 'cuda' }), (e: Error) => e instanceof EpError && /not installed/.test(e.message));
});
