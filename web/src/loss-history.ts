// The loss record the training panel draws: the trainer's train-log.jsonl, then each fine-tune run in this page
// numbered on from where the weights were, the x range that gives the fine-tunes room after a long record, and
// the progress line of a run. No DOM here.
import type { LogLine } from './artifacts.ts';
import type { Line } from './chart.ts';
import { formatNumber } from './dom.ts';
import type { EpochReport } from './exposed.ts';

/** One fine-tune in the page: its epochs, numbered on from `from` (the epochs the weights had before it). */
export interface LiveRun {
  from: number;
  planned: number;
  epochs: EpochReport[];
}

/** Colour classes for fine-tune runs, reused in turn (style.css: .c-run0 ...). */
const RUN_COLOURS = 4;
/** The fewest trained epochs shown before the fine-tunes when the record is cut. */
const MIN_CONTEXT = 5;

export interface LossView {
  lines: Line[];
  /** Where the fine-tunes start: the last trained epoch (0 without a record). */
  last: number;
  /** The x range around the fine-tunes, when a long record would squeeze them; null when all fits. */
  zoom: [number, number] | null;
}

export function lossView(log: readonly LogLine[], runs: readonly LiveRun[]): LossView {
  const last = log.length ? log[log.length - 1]!.epoch : 0;
  // The trainer evaluates the test split every few epochs: its curve joins the epochs that have one.
  const tested = log.filter((r) => r.test_loss !== undefined);
  const lines: Line[] = [
    { label: 'train loss', x: log.map((r) => r.epoch), y: log.map((r) => r.train_loss), cls: 'c-train' },
    { label: 'test loss', x: tested.map((r) => r.epoch), y: tested.map((r) => r.test_loss!), cls: 'c-test' },
  ];
  runs.forEach((run, k) => {
    const x = run.epochs.map((r) => run.from + r.epoch);
    const cls = `c-run${k % RUN_COLOURS}`;
    lines.push(
      { label: `fine-tune ${k + 1} train`, x, y: run.epochs.map((r) => r.trainLoss), cls, dots: true },
      { label: `fine-tune ${k + 1} test`, x, y: run.epochs.map((r) => r.testLoss), cls, dots: true, dashed: true },
    );
  });
  // After a long record the fine-tunes would be squeezed into its last few pixels: the axis shows as much of the
  // record's end as the fine-tunes span.
  const planned = runs.reduce((a, r) => a + Math.max(r.planned, r.epochs.length), 0);
  const from = Math.max(log.length ? log[0]!.epoch : 0, last - Math.max(planned, MIN_CONTEXT));
  const zoom: [number, number] | null = planned > 0 && log.length > 0 && from > log[0]!.epoch ? [from, last + planned] : null;
  return { lines, last, zoom };
}

/** Where the next fine-tune's epochs start: after the previous run, else after the trained record. */
export function nextRunStart(log: readonly LogLine[], runs: readonly LiveRun[]): number {
  const previous = runs[runs.length - 1];
  if (previous) return previous.from + previous.epochs.length;
  return log.length ? log[log.length - 1]!.epoch : 0;
}

/** "epoch 3/20: train loss …, test loss … · 180 ms per epoch · about 3 s left". */
export function progressText(run: LiveRun): string {
  const done = run.epochs.length;
  const r = run.epochs[done - 1];
  if (!r) return `epoch 1/${run.planned}: starting the worker…`;
  const perEpoch = run.epochs.reduce((a, e) => a + e.seconds, 0) / done;
  const left = Math.round(perEpoch * (run.planned - done));
  const eta = done < run.planned ? ` · about ${left < 60 ? `${left} s` : `${Math.round(left / 60)} min`} left` : '';
  return `epoch ${r.epoch}/${run.planned}: train loss ${formatNumber(r.trainLoss)}, test loss ${formatNumber(r.testLoss)} · ${(perEpoch * 1000).toFixed(0)} ms per epoch${eta}`;
}

/** model.onnx -> model.fine-tuned.onnx; a fine-tuned model keeps its name when fine-tuned again. */
export function fineTunedName(name: string): string {
  if (name.endsWith('.fine-tuned.onnx')) return name;
  return `${name.replace(/\.onnx$/i, '')}.fine-tuned.onnx`;
}
