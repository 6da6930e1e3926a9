import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { escapeXml, forecastSvg, lossSvg } from '../../src/plot/index.ts';

/** Parses as strict XML (any error throws) and returns the root <svg>. */
function parse(svg: string): Element {
  const doc = new DOMParser({ onError: (level, msg) => assert.fail(`${level}: ${msg}`) }).parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement!;
  assert.equal(root.tagName, 'svg');
  assert.equal(root.getAttribute('xmlns'), 'http://www.w3.org/2000/svg');
  return root;
}

const lines = (root: Element) =>
  Object.fromEntries(Array.from(root.getElementsByTagName('path')).filter((p) => p.getAttribute('class') === 'line').map((p) => [p.getAttribute('data-name'), p]));
/** How many points a path's d draws (M and L commands). */
const points = (p: Element) => (p.getAttribute('d')!.match(/[ML]/g) ?? []).length;
const texts = (root: Element, cls: string) =>
  Array.from(root.getElementsByTagName('g')).filter((g) => g.getAttribute('class') === cls).flatMap((g) => Array.from(g.getElementsByTagName('text')).map((t) => t.textContent));

const series = Float64Array.from({ length: 60 }, (_, i) => 10 + Math.sin(i / 3) + i * 0.1);
const origins = Int32Array.from({ length: 12 }, (_, k) => 44 + k);

test('forecast picture, one step: actual, the forecast and each baseline at the test points, escaped title', () => {
  const forecast = Float64Array.from(origins, (o) => series[o + 1]! + 0.1);
  const svg = forecastSvg({
    title: 'CO2 <monthly> & "more"',
    actual: series,
    from: 30,
    forecast: { name: 'model', origins, horizon: 1, values: forecast },
    baselines: [
      { name: 'naive', origins, horizon: 1, values: Float64Array.from(origins, (o) => series[o]!) },
      { name: 'seasonal naive', origins, horizon: 1, values: Float64Array.from(origins, (o) => series[o - 11]!) },
    ],
  });
  const root = parse(svg);
  assert.equal(root.getElementsByTagName('title')[0]!.textContent, 'CO2 <monthly> & "more"');
  const l = lines(root);
  assert.deepEqual(Object.keys(l), ['actual', 'model', 'naive', 'seasonal naive']);
  assert.equal(points(l.actual!), 30);
  for (const name of ['model', 'naive', 'seasonal naive']) assert.equal(points(l[name]!), 12, name);
  assert.deepEqual(texts(root, 'legend'), ['actual', 'model', 'naive', 'seasonal naive']);
  assert.ok(texts(root, 'axis x').length >= 3 && texts(root, 'axis y').length >= 3);
  // Deterministic: the same input gives the same text.
  assert.equal(forecastSvg({ title: 'CO2 <monthly> & "more"', actual: series, from: 30, forecast: { name: 'model', origins, horizon: 1, values: forecast }, baselines: [
    { name: 'naive', origins, horizon: 1, values: Float64Array.from(origins, (o) => series[o]!) },
    { name: 'seasonal naive', origins, horizon: 1, values: Float64Array.from(origins, (o) => series[o - 11]!) },
  ] }), svg);
});

test('forecast picture, several steps: the one-step line, the fan of every step, the last origin\'s path; dates on x', () => {
  const H = 4;
  const fo = origins.slice(0, origins.length - H + 1);
  const values = Float64Array.from({ length: fo.length * H }, (_, k) => series[fo[Math.floor(k / H)]! + (k % H) + 1]! + (k % H) * 0.05);
  const dates = Float64Array.from(series, (_, i) => Date.UTC(2000, i, 1));
  const root = parse(forecastSvg({ title: 'fan', actual: series, dates, forecast: { name: 'model', origins: fo, horizon: H, values } }));
  const l = lines(root);
  assert.deepEqual(Object.keys(l), ['actual', 'model (1 step ahead)', 'model from the last origin']);
  assert.equal(points(l['model (1 step ahead)']!), fo.length);
  // The last origin's path starts at the value it was made from.
  assert.equal(points(l['model from the last origin']!), H + 1);
  const bands = Array.from(root.getElementsByTagName('path')).filter((p) => p.getAttribute('class') === 'band');
  assert.deepEqual(bands.map((b) => b.getAttribute('data-name')), ['model: range of steps 1–4']);
  // Every target time from the first origin's first step to the last origin's last: top and bottom edges.
  assert.equal(points(bands[0]!), 2 * (fo.length + H - 1));
  const ticks = texts(root, 'axis x').filter((t) => t !== 'date');
  assert.ok(ticks.length >= 3 && ticks.every((t) => /^\d{4}-\d{2}-01$/.test(t!)), String(ticks));
});

test('forecast picture past the end of the series: one origin, its steps, "+k" ticks past the last date', () => {
  const dates = Float64Array.from(series, (_, i) => Date.UTC(2000, 0, 1 + i));
  const root = parse(forecastSvg({ title: 'ahead', actual: series, dates, from: 50, forecast: { name: 'forecast', origins: [59], horizon: 20, values: new Float64Array(20).fill(12) } }));
  assert.equal(points(lines(root).forecast!), 21);
  assert.ok(texts(root, 'axis x').some((t) => /^\+\d+$/.test(t!)));
});

test('loss picture: a line per loss present, log scale when they span a decade, gaps where a loss is missing', () => {
  const entries = Array.from({ length: 20 }, (_, e) => ({ epoch: e + 1, train_loss: 1 / (e + 1), val_loss: 1.5 / (e + 1), test_loss: e % 5 === 4 ? 2 / (e + 1) : null }));
  const root = parse(lossSvg(entries));
  const l = lines(root);
  assert.deepEqual(Object.keys(l), ['train', 'validation', 'test']);
  assert.equal(points(l.train!), 20);
  assert.equal(points(l.test!), 4);
  assert.ok(texts(root, 'axis y').includes('loss (log scale)'));
  const flat = parse(lossSvg([{ epoch: 1, train_loss: 0.5, test_loss: 0.6 }, { epoch: 2, train_loss: 0.4, test_loss: 0.5 }]));
  assert.deepEqual(Object.keys(lines(flat)), ['train', 'test']);
  assert.ok(texts(flat, 'axis y').includes('loss'));
  // One epoch still draws (a dot), and no epochs still make a valid picture.
  assert.equal(points(lines(parse(lossSvg([{ epoch: 1, train_loss: 0.5 }]))).train!), 1);
  parse(lossSvg([]));
});

test('escapeXml: markup characters become entities, characters XML forbids go', () => {
  assert.equal(escapeXml(`a<b>&"c'\u0001d`), 'a&lt;b&gt;&amp;&quot;c&#39;d');
  parse(forecastSvg({ title: '\u0000\u0007</svg>', actual: [1, 2, 3], forecast: { name: '<x>', origins: [1], horizon: 1, values: [3] } }));
});
