// The model card: what inspectModel knows about a model, as a table and an op histogram. Every string from the
// model goes in as text.
import type { IoInfo, ModelInfo } from '../../src/onnx/inspect.ts';
import { formatBytes, h, s } from './dom.ts';

function io(list: IoInfo[]): HTMLElement {
  return h(
    'ul',
    { class: 'io' },
    ...list.map((v) => h('li', null, h('code', null, v.name), ` ${v.elemType.toLowerCase()} `, h('code', null, `[${(v.shape ?? ['?']).map((d) => d ?? '?').join(', ')}]`))),
  );
}

function histogram(ops: Record<string, number>): SVGSVGElement {
  const entries = Object.entries(ops).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const rowH = 18;
  const labelW = 150;
  const barW = 200;
  const svg = s('svg', { viewBox: `0 0 ${labelW + barW + 50} ${entries.length * rowH + 4}`, class: 'histogram', role: 'img', 'aria-label': 'op histogram' });
  entries.forEach(([op, n], i) => {
    const y = i * rowH + 2;
    svg.append(s('text', { x: labelW - 6, y: y + 12, 'text-anchor': 'end' }, op));
    svg.append(s('rect', { x: labelW, y: y + 2, width: Math.max(2, (n / max) * barW), height: rowH - 6, class: 'bar' }));
    svg.append(s('text', { x: labelW + (n / max) * barW + 6, y: y + 12 }, String(n)));
  });
  return svg;
}

export function modelCard(info: ModelInfo, file: { name: string; size: number }): HTMLElement {
  const rows: [string, Node | string][] = [
    ['file', `${file.name} (${formatBytes(file.size)})`],
    ['producer', info.producer || '(none)'],
    ['opset', info.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ')],
    ['IR version', String(info.irVersion)],
    ['inputs', io(info.inputs)],
    ['outputs', io(info.outputs)],
    ['parameters', info.parameterCount.toLocaleString('en-US')],
    ['nodes', String(info.nodeCount)],
  ];
  if (info.docString) rows.push(['doc', info.docString]);
  for (const [k, v] of Object.entries(info.metadata)) rows.push([`meta: ${k}`, v]);
  return h(
    'div',
    { class: 'card' },
    h('table', { class: 'kv' }, ...rows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v)))),
    h('h3', null, 'ops'),
    histogram(info.ops),
  );
}
