import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scalingChart } from '../../scripts/bench/chart.ts';

test('scalingChart: one group of points per series, NaN left out, labels escaped, larger ms drawn higher', () => {
  const svg = scalingChart([
    { label: 'ingraph, 1 thread', points: [[1e5, 0.2], [1e7, 5]] },
    { label: 'PyTorch <eager>', points: [[1e5, 3], [1e7, NaN]] },
  ], 'title');
  assert.match(svg, /^<svg /);
  const groups = [...svg.matchAll(/<g class="series" data-label="([^"]+)"[^>]*>([\s\S]*?)<\/g>/g)];
  assert.deepEqual(groups.map((g) => g[1]), ['ingraph, 1 thread', 'PyTorch &lt;eager&gt;']);
  const cys = (g: string) => [...g.matchAll(/cy="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(cys(groups[0]![2]!).length, 2);
  assert.equal(cys(groups[1]![2]!).length, 1);
  const [low, high] = cys(groups[0]![2]!);
  assert.ok(high! < low!); // SVG y grows downwards
});

test('scalingChart: nothing to draw is an error', () => {
  assert.throws(() => scalingChart([{ label: 'x', points: [[1, NaN]] }], 't'), RangeError);
});
