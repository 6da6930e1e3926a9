// What a person (the viewer's model card) or a tool (predict) wants to know about a model without running it.
import type { onnx as T } from 'onnx-proto';
import { codeName } from './dtype.ts';
import { toNumber } from './proto.ts';

export interface IoInfo {
  name: string;
  elemType: string;
  /** Fixed dims as numbers, symbolic ones by name, unknown ones as null. */
  shape: (number | string | null)[] | null;
}

export interface ModelInfo {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  docString: string;
  inputs: IoInfo[];
  outputs: IoInfo[];
  ops: Record<string, number>;
  nodeCount: number;
  parameterCount: number;
  metadata: Record<string, string>;
}

function ioInfo(v: T.IValueInfoProto): IoInfo {
  const t = v.type?.tensorType;
  const shape = t?.shape?.dim?.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue as number) : null)) ?? null;
  return { name: v.name ?? '', elemType: codeName(t?.elemType ?? 0), shape };
}

/** Counts ops through subgraphs too (Loop/Scan bodies), since that is where training graphs do their work. */
function countOps(g: T.IGraphProto, ops: Record<string, number>): number {
  let n = 0;
  for (const node of g.node ?? []) {
    const key = node.domain ? `${node.domain}.${node.opType}` : node.opType ?? '?';
    ops[key] = (ops[key] ?? 0) + 1;
    n++;
    for (const a of node.attribute ?? []) {
      if (a.g) n += countOps(a.g, ops);
      for (const sg of a.graphs ?? []) n += countOps(sg, ops);
    }
  }
  return n;
}

export function inspectModel(m: T.IModelProto): ModelInfo {
  const g = m.graph ?? {};
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const ops: Record<string, number> = {};
  const nodeCount = countOps(g, ops);
  let parameterCount = 0;
  for (const t of g.initializer ?? []) {
    // Scalars and shape vectors are constants, not parameters: count float tensors only.
    if (t.dataType === 1 || t.dataType === 11) parameterCount += (t.dims ?? []).reduce<number>((a, d) => a * toNumber(d as number), 1);
  }
  return {
    irVersion: toNumber(m.irVersion as number),
    opsets: (m.opsetImport ?? []).map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version as number) })),
    producer: [m.producerName, m.producerVersion].filter(Boolean).join(' '),
    docString: m.docString ?? '',
    inputs: (g.input ?? []).filter((v) => !inits.has(v.name)).map(ioInfo),
    outputs: (g.output ?? []).map(ioInfo),
    ops,
    nodeCount,
    parameterCount,
    metadata: Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
  };
}
