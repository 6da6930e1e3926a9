// The page's side of the fine-tune worker: one worker per run, ended when the run ends.
import type { EpochReport } from './exposed.ts';
import type { FineTuneRequest, FromWorker, ToWorker } from './finetune-worker.ts';

export interface FineTuneRun {
  /** The fine-tuned model, with the weights of the last finished epoch; `stopped` when Stop ended it early. */
  done: Promise<{ model: Uint8Array; stopped: boolean }>;
  /** Asks the worker to stop after the epoch it is running; the weights so far are kept. */
  stop(): void;
}

export function startFineTune(request: FineTuneRequest, onEpoch: (r: EpochReport) => void): FineTuneRun {
  const worker = new Worker(new URL('./finetune-worker.ts', import.meta.url), { type: 'module', name: 'fine-tune' });
  const send = (m: ToWorker) => worker.postMessage(m);
  const done = new Promise<{ model: Uint8Array; stopped: boolean }>((ok, fail) => {
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.kind === 'epoch') onEpoch(m.report);
      else if (m.kind === 'done') ok({ model: m.model, stopped: m.stopped });
      else fail(new Error(m.message));
    };
    worker.onerror = (e) => fail(new Error(`the fine-tune worker failed: ${e.message || 'it could not start'}`));
  }).finally(() => worker.terminate());
  send({ kind: 'start', request });
  return { done, stop: () => send({ kind: 'stop' }) };
}
