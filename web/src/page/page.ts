// The page's state, and the two things every part of it uses: the status line, and the one queue every action
// runs in (so a file dropped mid-run waits its turn). A failed action shows in the error bar and the page keeps
// what it had.
import type { ModelInfo } from '../../../src/onnx/inspect.ts';
import type { OnnxTypes as T } from '../../../src/onnx/proto.ts';
import type { Sidecars } from '../artifacts.ts';
import type { ChartOptions, Line } from '../chart.ts';
import type { ColumnChoice, Prepared, Series } from '../dataset.ts';
import { byId } from '../dom.ts';
import type { Exposed } from '../exposed.ts';
import type { FineTuneRun } from '../finetune-client.ts';
import type { LiveRun } from '../loss-history.ts';
import type { Ep, ModelBytes, Runner } from '../runtime.ts';

/** A model the page has opened, with the files found beside it. */
export interface Loaded extends ModelBytes {
  name: string;
  model: T.ModelProto;
  info: ModelInfo;
  sidecars: Sidecars;
  /** train_step.onnx beside the model, read on demand; null when there is none. */
  trainStep: (() => Promise<Uint8Array>) | null;
}

/** A series the page was given as a CSV (dropped, picked or from ?csv=), with the file to read it again from. */
export interface CsvData {
  file: File;
  series: Series;
  /** The columns `series` holds. */
  choice: ColumnChoice;
}

export interface PageState {
  ep: Ep;
  model: Loaded | null;
  csv: CsvData | null;
  runner: Runner | null;
  prepared: Prepared | null;
  /** The fine-tunes of the model opened last, oldest first; each starts from the weights the one before left. */
  runs: LiveRun[];
  training: FineTuneRun | null;
  /** Series hidden from the loss chart by a click on their legend entry. */
  hiddenSeries: Set<string>;
  /** The loss chart shows the whole record instead of the stretch around the fine-tunes. */
  wholeRecord: boolean;
  forecastChart: { lines: Line[]; options: Omit<ChartOptions, 'width'> } | null;
  download: string | null;
  /** URLs the Content-Security-Policy refused, so a failed fetch can say why. */
  blocked: string[];
}

export interface Page {
  state: PageState;
  /** What the page shows, on window.__ingraph for the browser tests. */
  exposed: Exposed;
  setStatus(status: Exposed['status'], text: string): void;
  /** Runs `action` after every action queued before it. */
  enqueue(action: () => Promise<void>): void;
}

declare global {
  interface Window {
    __ingraph: Exposed;
  }
}

export function createPage(): Page {
  const exposed: Exposed = (window.__ingraph = {
    status: 'loading',
    error: null,
    model: null,
    ep: null,
    fallback: null,
    latencyMs: null,
    window: null,
    horizon: null,
    test: null,
    outputs: [],
    predictions: [],
    rollout: null,
    testMse: null,
    evaluation: null,
    ahead: [],
    finetune: [],
    stopped: null,
    settled: 0,
  });
  const state: PageState = {
    ep: 'wasm', model: null, csv: null, runner: null, prepared: null, runs: [], training: null,
    hiddenSeries: new Set(), wholeRecord: false, forecastChart: null, download: null, blocked: [],
  };

  function setStatus(status: Exposed['status'], text: string): void {
    exposed.status = status;
    document.body.dataset.status = status;
    byId('status').textContent = text;
  }

  /**
   * Shows a failed action's message. When the action was opening something and the model shown before is still
   * shown and running, the message and the header say so rather than call that model failed.
   */
  function report(e: unknown, before: Loaded | null): void {
    console.error(e);
    const m = state.model;
    const kept = m !== null && m === before && state.runner !== null;
    const message = (e instanceof Error ? e.message : String(e)) + (kept ? `\n${m.name} is still shown and unchanged.` : '');
    exposed.error = message;
    byId('error-text').textContent = message;
    byId('error').hidden = false;
    setStatus('error', !m ? 'no model' : kept ? `${m.name} · ${state.runner!.ep} · not replaced` : `${m.name}: failed`);
  }

  let queue = Promise.resolve();
  function enqueue(action: () => Promise<void>): void {
    queue = queue.then(async () => {
      byId('error').hidden = true;
      exposed.error = null;
      const before = state.model;
      try {
        await action();
      } catch (e) {
        report(e, before);
      }
      exposed.settled++;
    });
  }

  return { state, exposed, setStatus, enqueue };
}

/** Charts are drawn at their box's width, so their text keeps its size on a phone; a resize draws them again. */
export const boxWidth = (id: string) => byId(id).clientWidth || 600;
