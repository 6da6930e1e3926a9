// Nodes of one optimizer step (the train step's Loop body), by op type, as built and as ONNX Runtime runs it after
// its graph optimisations (read back from `optimizedModelFilePath`). At small sizes a step's time follows this
// count (shared/notes/ort-overheads.md), so it is the first thing to look at before timing a change.
// Run: npx tsx scripts/bench/node-count.ts [hidden] [window] [lstm|gru]     (Markdown out)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { decodeModel } from '../../src/onnx/codec.ts';
import type { OnnxTypes } from '../../src/onnx/proto.ts';
import { markdownTable } from './format.ts';
import { trainStepBytes } from './step-loop.ts';
import { modelConfig, TUTORIAL } from './workload.ts';

type Nodes = OnnxTypes.INodeProto[];

/** The Loop body's nodes (one optimizer step). */
function loopBody(m: OnnxTypes.IModelProto): Nodes {
  const loop = m.graph!.node!.find((n) => n.opType === 'Loop');
  const body = loop?.attribute?.find((a) => a.name === 'body')?.g;
  if (!body) throw new Error('no Loop in the train step');
  return body.node ?? [];
}

export function countByOp(nodes: Nodes): Map<string, number> {
  const by = new Map<string, number>();
  for (const n of nodes) by.set(n.opType!, (by.get(n.opType!) ?? 0) + 1);
  return by;
}

/** The train step's Loop body as built and as ONNX Runtime optimised it ('all', 1 thread). */
export async function stepNodes(bytes: Uint8Array): Promise<{ built: Nodes; optimised: Nodes }> {
  const dir = mkdtempSync(join(tmpdir(), 'ingraph-nodes-'));
  try {
    const file = join(dir, 'opt.onnx');
    const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: 'all', optimizedModelFilePath: file });
    await s.release();
    return { built: loopBody(decodeModel(bytes)), optimised: loopBody(decodeModel(readFileSync(file))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const hidden = Number(process.argv[2] ?? TUTORIAL.hidden), window = Number(process.argv[3] ?? TUTORIAL.window);
  const cell = process.argv[4] ?? 'lstm';
  if (cell !== 'lstm' && cell !== 'gru') throw new Error(`cell: lstm or gru, not ${cell}`);
  const { built, optimised } = await stepNodes(trainStepBytes({ ...modelConfig({ ...TUTORIAL, hidden, window }), cell }, 'auto'));
  const a = countByOp(built), b = countByOp(optimised);
  const ops = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => (b.get(y) ?? 0) - (b.get(x) ?? 0) || x.localeCompare(y));
  console.log(`${cell}, hidden ${hidden}, window ${window}: ${built.length} nodes per step as built, ${optimised.length} as ONNX Runtime runs them\n`);
  console.log(markdownTable(['op', 'built', 'run by ONNX Runtime'], ops.map((op) => [op, String(a.get(op) ?? 0), String(b.get(op) ?? 0)])));
}
