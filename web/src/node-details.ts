// The panel beside the graph for one clicked box: a node's attributes, its inputs and outputs with their shapes,
// and for each initializer it reads, its type, shape and statistics (min, max, mean, std, zeros).
import type { OnnxTypes as T } from '../../src/onnx/proto.ts';
import { onnx, toNumber } from '../../src/onnx/proto.ts';
import { tensorFromProto, type ExternalReader } from '../../src/onnx/tensor-proto.ts';
import { formatNumber, h } from './dom.ts';
import { fmtDims, lookupInitializer, lookupShape, type Box } from './graph-model.ts';

/** Past this many values an attribute or small tensor is summarised rather than listed. */
const LIST_MAX = 16;

function list(values: readonly (number | string)[]): string {
  const shown = values.slice(0, LIST_MAX).map((v) => (typeof v === 'number' ? formatNumber(v) : v));
  return `[${shown.join(', ')}${values.length > LIST_MAX ? `, … (${values.length})` : ''}]`;
}

function attributeValue(a: T.IAttributeProto): string {
  const A = onnx.AttributeProto.AttributeType;
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  switch (a.type) {
    case A.INT:
      return String(toNumber(a.i as number));
    case A.FLOAT:
      return formatNumber(a.f ?? 0, 6);
    case A.STRING:
      return JSON.stringify(text(a.s ?? new Uint8Array()));
    case A.INTS:
      return list((a.ints ?? []).map((x) => toNumber(x as number)));
    case A.FLOATS:
      return list(a.floats ?? []);
    case A.STRINGS:
      return list((a.strings ?? []).map((s) => JSON.stringify(text(s))));
    case A.TENSOR:
      return `tensor ${fmtDims((a.t?.dims ?? []).map((d) => toNumber(d as number)))}`;
    case A.GRAPH:
      return `graph: ${a.g?.node?.length ?? 0} nodes, ${a.g?.input?.length ?? 0} inputs, ${a.g?.output?.length ?? 0} outputs`;
    default:
      return `(${a.type})`;
  }
}

/** Type, shape and statistics of an initializer, or why they cannot be shown. */
function initializerSummary(t: T.ITensorProto, external: ExternalReader): string {
  let tensor;
  try {
    tensor = tensorFromProto(t, t.name ?? 'initializer', external);
  } catch (e) {
    return `${fmtDims((t.dims ?? []).map((d) => toNumber(d as number)))}: ${(e as Error).message}`;
  }
  const data = tensor.data as ArrayLike<number | bigint>;
  const head = `${tensor.dtype} ${fmtDims(tensor.dims)}, ${tensor.size.toLocaleString('en-US')} values`;
  if (tensor.size === 0) return head;
  if (tensor.size <= LIST_MAX) return `${head}: ${list(Array.from(data, Number))}`;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  const mean = sum / data.length;
  let sq = 0;
  for (let i = 0; i < data.length; i++) sq += (Number(data[i]) - mean) ** 2;
  const std = Math.sqrt(sq / data.length);
  return `${head}; min ${formatNumber(min)}, max ${formatNumber(max)}, mean ${formatNumber(mean)}, std ${formatNumber(std)}${zeros ? `, ${zeros} zeros` : ''}`;
}

export function nodeDetails(box: Box, external: ExternalReader): HTMLElement {
  const rows: [string, Node | string][] = [];
  const n = box.node;
  if (!n) {
    rows.push([box.kind, box.title], ['shape', box.detail || 'not declared']);
  } else {
    rows.push(['op', n.domain ? `${n.domain}.${n.opType}` : (n.opType ?? '?')]);
    if (n.name) rows.push(['name', n.name]);
    for (const a of n.attribute ?? []) rows.push([a.name ?? '?', attributeValue(a)]);
    (n.input ?? []).forEach((v, i) => {
      if (!v) return;
      const init = lookupInitializer(box.scope, v);
      rows.push([`input ${i}`, h('span', null, h('code', null, v), ' ', init ? initializerSummary(init, external) : fmtDims(lookupShape(box.scope, v)) || 'shape unknown')]);
    });
    (n.output ?? []).forEach((v, i) => {
      if (v) rows.push([`output ${i}`, h('span', null, h('code', null, v), ' ', fmtDims(lookupShape(box.scope, v)) || 'shape unknown')]);
    });
  }
  return h('table', { class: 'kv node-details' }, ...rows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v))));
}
