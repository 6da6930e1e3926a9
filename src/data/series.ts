// The tutorial's series: two periods of a noisy sine, one point per degree.

import { Rng } from './rng.ts';

export const TUTORIAL_POINTS = 720;
export const TUTORIAL_NOISE_STD = 0.05;
/** The tutorial trains on its first 360 windows and tests on the rest (350 at window 10). */
export const TUTORIAL_TRAIN_ROWS = 360;

/** y = sin(x·π/180) + 0.05·N(0,1) for x = 1..720; the noise comes from its own stream so the seed fixes the values. */
export function tutorialSeries(seed = 0): Float64Array {
  const rng = Rng.derive(seed, 'series');
  const y = new Float64Array(TUTORIAL_POINTS);
  for (let i = 0; i < TUTORIAL_POINTS; i++) {
    const x = i + 1;
    y[i] = Math.sin((x * Math.PI) / 180) + TUTORIAL_NOISE_STD * rng.normal();
  }
  return y;
}
