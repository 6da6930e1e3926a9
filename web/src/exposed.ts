// What the page exposes on window.__ingraph: the numbers behind its plots, read by the browser tests.
import type { Evaluation } from '../../src/metrics/index.ts';
import type { Ep } from './runtime.ts';

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  seconds: number;
}

/** What the page shows, for tests and for a curious console: the numbers behind the plots. */
export interface Exposed {
  status: 'loading' | 'ready' | 'error' | 'training';
  error: string | null;
  model: string | null;
  ep: Ep | null;
  fallback: string | null;
  latencyMs: number | null;
  window: number | null;
  /** Values the model forecasts from each window. */
  horizon: number | null;
  test: [number, number] | null;
  outputs: number[];
  predictions: number[];
  rollout: number[] | null;
  testMse: number | null;
  /** The test forecasts scored beside the naive and seasonal-naive forecasts (src/metrics). */
  evaluation: Evaluation | null;
  /** The next `horizon` values past the end of the series. */
  ahead: number[];
  /** The epochs of the latest fine-tune, as they arrive. */
  finetune: EpochReport[];
  /** Whether the latest fine-tune was ended by Stop; null while it runs or before any. */
  stopped: boolean | null;
  /** How many queued actions have finished, so a test can wait for the one it started. */
  settled: number;
}
