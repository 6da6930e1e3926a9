// The model's graph, laid out by dagre (layered, edges routed around boxes) and drawn as SVG in a box the reader
// can zoom (buttons, ctrl+wheel or pinch), pan (drag, wheel), fit and search. A click on a box shows its
// attributes, inputs, outputs and initializer statistics beside the drawing; Loop/Scan/If bodies expand in place;
// Constant and shape-only nodes are folded into their consumers unless the reader unfolds them.
import dagre from '@dagrejs/dagre';
import type { OnnxTypes as T } from '../../src/onnx/proto.ts';
import type { ExternalReader } from '../../src/onnx/tensor-proto.ts';
import { fill, h, s } from './dom.ts';
import { displayGraph, fmtDims, type Box, type DisplayGraph } from './graph-model.ts';
import { nodeDetails } from './node-details.ts';
import { WEBGPU_OPS } from './webgpu-ops.ts';

const BOX_H = 38;
const BOX_H_SMALL = 28;
/** Rough text widths at the box fonts (12 px op, 10.5 px detail), for sizing boxes before they are drawn. */
const OP_CHAR_W = 7.4;
const DETAIL_CHAR_W = 6.2;
const EDGE_CHAR_W = 5.6;
const ZOOM_STEP = 1.25;
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 4;
/** Below this scale text is too small to read: the first view shows the graph's top at READ_ZOOM instead. */
const MIN_READABLE_FIT = 0.6;
const READ_ZOOM = 0.9;

interface Placed {
  box: Box;
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Layout {
  placed: Map<string, Placed>;
  svg: SVGGElement;
  width: number;
  height: number;
}

function boxSize(b: Box): { w: number; h: number } {
  const detail = b.detail + (b.folded ? `${b.detail ? ' · ' : ''}+${b.folded} const` : '');
  const w = Math.max(70, Math.max(b.title.length * OP_CHAR_W, detail.length * DETAIL_CHAR_W) + (b.bodies.length ? 40 : 22));
  return { w: Math.round(w), h: detail ? BOX_H : BOX_H_SMALL };
}

function detailText(b: Box): string {
  return b.detail + (b.folded ? `${b.detail ? ' · ' : ''}+${b.folded} const` : '');
}

/** Dagre's bend points joined by quadratic curves through the midpoints: rounded corners, same route. */
function smoothPath(pts: { x: number; y: number }[]): string {
  const f = (p: { x: number; y: number }) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  let d = `M${f(pts[0]!)}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const p = pts[i]!;
    const q = pts[i + 1]!;
    d += ` Q${f(p)} ${f({ x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 })}`;
  }
  return `${d} L${f(pts[pts.length - 1]!)}`;
}

function layout(d: DisplayGraph): Layout {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 16, ranksep: 30, edgesep: 10, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of d.clusters) {
    g.setNode(c.id, { label: c.label, width: 0, height: 0, paddingTop: 20 });
    if (c.parent) g.setParent(c.id, c.parent);
  }
  for (const b of d.boxes) {
    const { w, h: bh } = boxSize(b);
    g.setNode(b.id, { width: w, height: bh });
    if (b.parent) g.setParent(b.id, b.parent);
  }
  d.edges.forEach((e, k) => {
    const label = fmtDims(e.dims);
    g.setEdge(e.from, e.to, label ? { width: label.length * EDGE_CHAR_W + 6, height: 12, labelpos: 'c' } : {}, `e${k}`);
  });
  dagre.layout(g);

  const root = s('g', { class: 'layout' });
  const clusterLayer = s('g', { class: 'clusters' });
  for (const c of d.clusters) {
    const n = g.node(c.id);
    clusterLayer.append(
      s('g', { class: 'cluster', 'data-id': c.id }, s('rect', { x: n.x! - n.width / 2, y: n.y! - n.height / 2, width: n.width, height: n.height, rx: 8 }), s('text', { x: n.x! - n.width / 2 + 8, y: n.y! - n.height / 2 + 14 }, c.label)),
    );
  }
  const edgeLayer = s('g', { class: 'edges' });
  d.edges.forEach((e, k) => {
    const le = g.edge({ v: e.from, w: e.to, name: `e${k}` });
    const pts: { x: number; y: number }[] = le.points ?? [];
    if (!pts.length) return;
    const path = smoothPath(pts);
    const group = s('g', { class: `edge-group ${e.kind}` });
    group.append(s('path', { d: path, class: 'edge', 'marker-end': 'url(#arrow)' }, s('title', {}, e.dims ? `${e.value} ${fmtDims(e.dims)}` : e.value)));
    const label = fmtDims(e.dims);
    if (label && le.x !== undefined && le.y !== undefined) group.append(s('text', { x: le.x, y: le.y + 4, 'text-anchor': 'middle', class: 'edge-label' }, label));
    edgeLayer.append(group);
  });
  const nodeLayer = s('g', { class: 'nodes' });
  const placed = new Map<string, Placed>();
  for (const b of d.boxes) {
    const n = g.node(b.id);
    const { w, h: bh } = boxSize(b);
    const p: Placed = { box: b, x: n.x!, y: n.y!, w, h: bh };
    placed.set(b.id, p);
    const op = b.kind === 'node' ? b.title : '';
    const el = s('g', { class: `gnode ${b.kind}`, 'data-id': b.id, 'data-op': op, ...(b.node && !(!b.node.domain && WEBGPU_OPS.has(op)) ? { 'data-cpu-only': '' } : {}), transform: `translate(${(p.x - w / 2).toFixed(1)},${(p.y - bh / 2).toFixed(1)})` });
    el.append(s('title', {}, b.node ? `${op} ${b.node.name ?? ''}`.trim() : `${b.kind} ${b.title}`));
    el.append(s('rect', { width: w, height: bh, rx: b.kind === 'node' ? 6 : bh / 2, class: 'frame' }));
    const detail = detailText(b);
    el.append(s('text', { x: w / 2 - (b.bodies.length ? 9 : 0), y: detail ? 16 : 18, 'text-anchor': 'middle', class: 'op' }, b.title));
    if (detail) el.append(s('text', { x: w / 2 - (b.bodies.length ? 9 : 0), y: 30, 'text-anchor': 'middle', class: 'detail' }, detail));
    if (b.bodies.length) {
      const btn = s('g', { class: 'expand', 'data-expand': b.id, role: 'button', transform: `translate(${w - 22},${(bh - 16) / 2})` });
      btn.append(s('title', {}, b.expanded ? 'hide the body' : 'show the body'), s('rect', { width: 16, height: 16, rx: 3 }), s('text', { x: 8, y: 12.5, 'text-anchor': 'middle' }, b.expanded ? '−' : '+'));
      el.append(btn);
    }
    nodeLayer.append(el);
  }
  root.append(clusterLayer, edgeLayer, nodeLayer);
  const gl = g.graph();
  return { placed, svg: root, width: gl.width ?? 0, height: gl.height ?? 0 };
}

export interface GraphView {
  element: HTMLElement;
  /** Called once the element is in the page, so the first view can be fitted to the box's size. */
  shown(): void;
  note: string;
}

export function graphView(graph: T.IGraphProto, external: ExternalReader): GraphView {
  const view = { fold: true, expanded: new Set<string>(), k: 1, x: 0, y: 0, selected: null as string | null, matches: [] as string[], match: -1 };
  const svg = s('svg', { class: 'graph', role: 'img', 'aria-label': 'model graph' });
  svg.append(
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z' }))),
  );
  const viewport = s('g', { class: 'viewport' });
  svg.append(viewport);
  const details = h('div', { class: 'graph-details', id: 'graph-details' }, h('p', { class: 'note' }, 'click a box for its attributes, shapes and weights'));
  const search = h('input', { type: 'search', id: 'graph-search', placeholder: 'search ops, names, values', 'aria-label': 'search the graph' });
  const count = h('span', { class: 'note', id: 'graph-matches' });
  const fold = h('input', { type: 'checkbox', id: 'graph-fold' });
  fold.checked = true;
  const button = (id: string, text: string, title: string) => h('button', { type: 'button', id, title }, text);
  const fit = button('graph-fit', 'fit', 'show the whole graph');
  const zoomIn = button('graph-zoom-in', '+', 'zoom in');
  const zoomOut = button('graph-zoom-out', '−', 'zoom out');
  const stage = h('div', { class: 'graph-stage', id: 'graph-stage' }, svg);
  const element = h(
    'div',
    { class: 'graph-view' },
    h('div', { class: 'graph-tools' }, search, count, zoomOut, zoomIn, fit, h('label', { title: 'fold Constant nodes and shape arithmetic into the nodes they feed' }, fold, ' fold constants')),
    h('div', { class: 'graph-main' }, stage, details),
  );

  let d = displayGraph(graph, view);
  let l = layout(d);
  const apply = () => viewport.setAttribute('transform', `translate(${view.x.toFixed(1)},${view.y.toFixed(1)}) scale(${view.k.toFixed(4)})`);
  const size = () => ({ W: stage.clientWidth || 600, H: stage.clientHeight || 500 });
  const fitAll = () => {
    const { W, H } = size();
    view.k = Math.min(Math.max(Math.min(W / l.width, H / l.height), MIN_ZOOM), 1.25);
    view.x = (W - l.width * view.k) / 2;
    view.y = (H - l.height * view.k) / 2;
    apply();
  };
  const centerOn = (p: { x: number; y: number }, k = view.k) => {
    const { W, H } = size();
    view.k = k;
    view.x = W / 2 - p.x * k;
    view.y = H / 2 - p.y * k;
    apply();
  };
  /** The whole graph when it is readable that way; else its top (the inputs) at a readable scale. */
  const firstView = () => {
    const { W, H } = size();
    if (Math.min(W / l.width, H / l.height) >= MIN_READABLE_FIT) return fitAll();
    const top = [...l.placed.values()].filter((p) => p.box.kind === 'input' && !p.box.parent)[0] ?? [...l.placed.values()][0];
    view.k = READ_ZOOM;
    view.x = l.width * view.k <= W ? (W - l.width * view.k) / 2 : W / 2 - (top?.x ?? 0) * view.k;
    view.y = 12;
    apply();
  };
  const zoomAt = (factor: number, cx: number, cy: number) => {
    const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.k * factor));
    view.x = cx - ((cx - view.x) * k) / view.k;
    view.y = cy - ((cy - view.y) * k) / view.k;
    view.k = k;
    apply();
  };
  const select = (id: string | null) => {
    view.selected = id;
    viewport.querySelectorAll('.gnode.selected').forEach((e) => e.classList.remove('selected'));
    const p = id ? l.placed.get(id) : undefined;
    if (!p) return;
    viewport.querySelector(`.gnode[data-id="${CSS.escape(p.box.id)}"]`)?.classList.add('selected');
    fill(details, h('h3', null, p.box.kind === 'node' ? p.box.title : `${p.box.kind} ${p.box.title}`), nodeDetails(p.box, external));
  };
  const highlight = () => {
    const q = search.value.trim().toLowerCase();
    view.matches = [];
    for (const p of l.placed.values()) {
      const n = p.box.node;
      const hay = [p.box.title, p.box.detail, n?.name ?? '', ...(n?.input ?? []), ...(n?.output ?? [])].join('\n').toLowerCase();
      if (q && hay.includes(q)) view.matches.push(p.box.id);
    }
    const hit = new Set(view.matches);
    viewport.querySelectorAll<SVGGElement>('.gnode').forEach((e) => e.classList.toggle('match', hit.has(e.dataset.id ?? '')));
    svg.classList.toggle('searching', q !== '');
    count.textContent = q ? `${view.matches.length} match${view.matches.length === 1 ? '' : 'es'}` : '';
    view.match = -1;
  };
  const redraw = () => {
    d = displayGraph(graph, view);
    l = layout(d);
    viewport.replaceChildren(l.svg);
    highlight();
    select(view.selected);
  };
  viewport.append(l.svg);

  search.addEventListener('input', highlight);
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !view.matches.length) return;
    view.match = (view.match + 1) % view.matches.length;
    const id = view.matches[view.match]!;
    select(id);
    centerOn(l.placed.get(id)!, Math.max(view.k, READ_ZOOM));
  });
  fold.addEventListener('change', () => {
    view.fold = fold.checked;
    redraw();
  });
  fit.addEventListener('click', fitAll);
  const center = () => ({ cx: size().W / 2, cy: size().H / 2 });
  zoomIn.addEventListener('click', () => zoomAt(ZOOM_STEP, center().cx, center().cy));
  zoomOut.addEventListener('click', () => zoomAt(1 / ZOOM_STEP, center().cx, center().cy));
  svg.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      // Pinch on a trackpad arrives as ctrl+wheel.
      if (e.ctrlKey || e.metaKey) zoomAt(Math.exp(-e.deltaY * 0.01), e.clientX - r.left, e.clientY - r.top);
      else {
        view.x -= e.deltaX;
        view.y -= e.deltaY;
        apply();
      }
    },
    { passive: false },
  );
  let drag: { x: number; y: number; moved: boolean } | null = null;
  svg.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, moved: false };
  });
  svg.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) svg.setPointerCapture(e.pointerId);
    drag.moved = true;
    view.x += dx;
    view.y += dy;
    drag.x = e.clientX;
    drag.y = e.clientY;
    apply();
  });
  const endDrag = () => {
    // The click that follows a drag must not select the box under the pointer: it is cleared after that click.
    setTimeout(() => (drag = null), 0);
  };
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointercancel', endDrag);
  svg.addEventListener('click', (e) => {
    if (drag?.moved) return;
    const target = e.target as Element;
    const expand = target.closest<SVGGElement>('[data-expand]');
    if (expand) {
      const id = expand.dataset.expand!;
      if (view.expanded.has(id)) view.expanded.delete(id);
      else view.expanded.add(id);
      const before = l.placed.get(id);
      redraw();
      const after = l.placed.get(id);
      // The expanded node stays where the reader was looking.
      if (before && after) {
        view.x += (before.x - after.x) * view.k;
        view.y += (before.y - after.y) * view.k;
        apply();
      }
      return;
    }
    const node = target.closest<SVGGElement>('.gnode');
    if (node) select(node.dataset.id ?? null);
  });

  const folded = d.foldedNodes;
  const note = `${d.totalNodes} top-level nodes${folded ? `, ${folded} constants and shape ops folded` : ''}`;
  return { element, shown: firstView, note };
}
