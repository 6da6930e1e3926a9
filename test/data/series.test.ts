import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tutorialSeries } from '../../src/data/series.ts';

test('tutorialSeries has 720 points of sin(x·π/180) plus noise of std 0.05', () => {
  const y = tutorialSeries();
  assert.equal(y.length, 720);
  let sq = 0;
  for (let i = 0; i < y.length; i++) sq += (y[i]! - Math.sin(((i + 1) * Math.PI) / 180)) ** 2;
  const noiseStd = Math.sqrt(sq / y.length);
  assert.ok(noiseStd > 0.045 && noiseStd < 0.055, `noise std ${noiseStd}`);
});

test('tutorialSeries is fixed by its seed', () => {
  assert.deepEqual(tutorialSeries(0), tutorialSeries(0));
  assert.deepEqual(tutorialSeries(), tutorialSeries(0));
  assert.notDeepEqual(tutorialSeries(1), tutorialSeries(0));
});
