// The model's top-level graph as SVG: graph inputs, nodes in topological order, outputs, and the edges between
// them; layered top to bottom by longest path from the inputs. LSTM and Gemm nodes say their sizes.
import type { OnnxTypes as T } from '../../src/onnx/proto.ts';
import { toNumber } from '../../src/onnx/proto.ts';
import { s } from './dom.ts';

interface Item {
  kind: 'input' | 'node' | 'output';
  title: string;
  detail: string;
  /** Full description for the tooltip: name, inputs and outputs. */
  tooltip: string;
  layer: number;
  x: number;
  y: number;
  width: number;
}

/** Past this many nodes the drawing stops being readable; the rest are counted, not drawn. */
const MAX_DRAWN_NODES = 400;

const ROW = 70;
const BOX_H = 40;
const GAP = 18;
const CHAR_W = 7;

function attrInt(node: T.INodeProto, name: string): number | null {
  const a = node.attribute?.find((x) => x.name === name);
  return a && a.i != null ? toNumber(a.i as number) : null;
}

function fmtDims(d: readonly (number | string | null)[] | undefined): string {
  return d ? `[${d.map((x) => x ?? '?').join(',')}]` : '';
}

/** Shapes known without running the model: initializer dims and declared value infos. */
function knownShapes(g: T.IGraphProto): Map<string, (number | string | null)[]> {
  const shapes = new Map<string, (number | string | null)[]>();
  for (const v of [...(g.input ?? []), ...(g.valueInfo ?? []), ...(g.output ?? [])]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (v.name && dims) shapes.set(v.name, dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue as number) : null)));
  }
  for (const t of g.initializer ?? []) if (t.name) shapes.set(t.name, (t.dims ?? []).map((d) => toNumber(d as number)));
  return shapes;
}

function nodeDetail(node: T.INodeProto, shapes: Map<string, (number | string | null)[]>): string {
  const inputs = node.input ?? [];
  if (node.opType === 'LSTM') {
    const w = shapes.get(inputs[1] ?? '');
    const hidden = attrInt(node, 'hidden_size') ?? (typeof w?.[1] === 'number' ? w[1] / 4 : null);
    const parts = [`hidden ${hidden ?? '?'}`];
    if (w && typeof w[2] === 'number') parts.unshift(`in ${w[2]}`);
    if (w && w[0] === 2) parts.push('bidirectional');
    return parts.join(' · ');
  }
  if (node.opType === 'Gemm' || node.opType === 'MatMul') {
    const b = shapes.get(inputs[1] ?? '');
    if (b && b.length === 2) {
      const [k, n] = attrInt(node, 'transB') === 1 ? [b[1], b[0]] : [b[0], b[1]];
      return `${k ?? '?'} → ${n ?? '?'}`;
    }
  }
  return '';
}

export interface GraphDrawing {
  svg: SVGSVGElement;
  drawnNodes: number;
  totalNodes: number;
}

export function drawGraph(g: T.IGraphProto): GraphDrawing {
  const initializers = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  const shapes = knownShapes(g);
  const allNodes = g.node ?? [];

  // Kahn's algorithm, ties broken by file order, so a valid (already sorted) model keeps its order.
  const producer = new Map<string, number>();
  allNodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  const deps = allNodes.map((n) => new Set((n.input ?? []).map((v) => producer.get(v)).filter((p): p is number => p !== undefined)));
  const users = allNodes.map(() => [] as number[]);
  deps.forEach((ds, i) => ds.forEach((d) => users[d]!.push(i)));
  const pending = deps.map((d) => d.size);
  const ready = pending.flatMap((p, i) => (p === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    order.push(i);
    for (const u of users[i]!) if (--pending[u]! === 0) ready.push(u);
  }
  // A cycle (an invalid model) leaves nodes unsorted: draw them after the rest rather than drop them.
  const sorted = new Set(order);
  for (let i = 0; i < allNodes.length; i++) if (!sorted.has(i)) order.push(i);
  const drawn = order.slice(0, MAX_DRAWN_NODES);

  const items: Item[] = [];
  const itemOf = new Map<string, Item>(); // value name -> the item producing it
  const box = (kind: Item['kind'], title: string, detail: string, tooltip: string, layer: number): Item => {
    const width = Math.max(84, CHAR_W * Math.max(title.length, detail.length) + 20);
    const it: Item = { kind, title, detail, tooltip, layer, x: 0, y: 0, width };
    items.push(it);
    return it;
  };
  for (const v of g.input ?? []) {
    if (!v.name || initializers.has(v.name)) continue;
    const dims = fmtDims(shapes.get(v.name));
    itemOf.set(v.name, box('input', v.name, dims, `input ${v.name} ${dims}`, 0));
  }
  const edges: { from: Item; to: Item; value: string }[] = [];
  for (const i of drawn) {
    const n = allNodes[i]!;
    const ins = (n.input ?? []).filter(Boolean);
    const from = ins.map((v) => itemOf.get(v)).filter((x): x is Item => x !== undefined);
    const layer = 1 + Math.max(0, ...from.map((f) => f.layer));
    const op = n.domain ? `${n.domain}.${n.opType}` : (n.opType ?? '?');
    const tooltip = [`${op} ${n.name ?? ''}`, `inputs: ${ins.join(', ')}`, `outputs: ${(n.output ?? []).join(', ')}`].join('\n');
    const it = box('node', op, nodeDetail(n, shapes), tooltip, layer);
    for (const v of ins) {
      const f = itemOf.get(v);
      if (f) edges.push({ from: f, to: it, value: v });
    }
    for (const o of n.output ?? []) if (o) itemOf.set(o, it);
  }
  for (const v of g.output ?? []) {
    const f = itemOf.get(v.name ?? '');
    const dims = fmtDims(shapes.get(v.name ?? ''));
    const it = box('output', v.name ?? '', dims, `output ${v.name} ${dims}`, (f?.layer ?? 0) + 1);
    if (f) edges.push({ from: f, to: it, value: v.name ?? '' });
  }

  const layers = new Map<number, Item[]>();
  for (const it of items) layers.set(it.layer, [...(layers.get(it.layer) ?? []), it]);
  const rowWidth = (row: Item[]) => row.reduce((a, it) => a + it.width, 0) + GAP * (row.length - 1);
  const width = Math.max(240, ...[...layers.values()].map(rowWidth)) + 2 * GAP;
  for (const [layer, row] of layers) {
    let x = (width - rowWidth(row)) / 2;
    for (const it of row) {
      it.x = x;
      it.y = GAP + layer * ROW;
      x += it.width + GAP;
    }
  }
  const height = GAP * 2 + (Math.max(...layers.keys()) + 1) * ROW - (ROW - BOX_H);

  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'graph', role: 'img', 'aria-label': 'model graph' });
  svg.append(
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z' }))),
  );
  const edgeLayer = s('g', { class: 'edges' });
  for (const e of edges) {
    const x1 = e.from.x + e.from.width / 2;
    const y1 = e.from.y + BOX_H;
    const x2 = e.to.x + e.to.width / 2;
    const y2 = e.to.y;
    // An edge that skips layers bows out sideways so it does not run through the boxes in between.
    const skip = e.to.layer - e.from.layer - 1;
    const bow = skip > 0 ? 40 + 20 * skip : 0;
    const d = `M${x1},${y1} C${x1 + bow},${y1 + ROW / 2} ${x2 + bow},${y2 - ROW / 2} ${x2},${y2}`;
    edgeLayer.append(s('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' }, s('title', {}, e.value)));
  }
  svg.append(edgeLayer);
  for (const it of items) {
    const op = it.kind === 'node' ? it.title : '';
    const g2 = s('g', { class: `gnode ${it.kind}`, 'data-op': op, transform: `translate(${it.x},${it.y})` });
    g2.append(s('title', {}, it.tooltip));
    g2.append(s('rect', { width: it.width, height: BOX_H, rx: it.kind === 'node' ? 6 : BOX_H / 2 }));
    g2.append(s('text', { x: it.width / 2, y: it.detail ? 17 : 25, 'text-anchor': 'middle', class: 'op' }, it.title));
    if (it.detail) g2.append(s('text', { x: it.width / 2, y: 32, 'text-anchor': 'middle', class: 'detail' }, it.detail));
    svg.append(g2);
  }
  return { svg, drawnNodes: drawn.length, totalNodes: allNodes.length };
}
