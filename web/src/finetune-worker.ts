// The fine-tune run in a Web Worker, so the page keeps drawing (per-epoch charts, progress, a Stop button) while
// train_step.onnx runs. Importing runtime.ts sets onnxruntime-web's wasm path and thread count here too: a worker
// has its own copy of the library and its settings.
import type { Prepared } from './dataset.ts';
import type { EpochReport } from './exposed.ts';
import { fineTune, type TrainStepManifest } from './finetune.ts';
import { testLoss } from './forecast.ts';
import { createRunner, type Feed } from './runtime.ts';

export interface FineTuneRequest {
  trainStep: Uint8Array;
  modelBytes: Uint8Array;
  /** The manifest's parameters, optimizer state names, and the model's input and output as it names them. */
  manifest: TrainStepManifest;
  data: Prepared;
  /** How model.onnx is fed, to score each epoch's weights. */
  feed: Feed;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

/** Page -> worker: the run to do, then at most one stop. */
export type ToWorker = { kind: 'start'; request: FineTuneRequest } | { kind: 'stop' };
/** Worker -> page: one message per epoch, then the weights (after the last epoch or a stop), or the failure. */
export type FromWorker = { kind: 'epoch'; report: EpochReport } | { kind: 'done'; model: Uint8Array; stopped: boolean } | { kind: 'failed'; message: string };

const scope = self as unknown as { onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(m: FromWorker, transfer?: Transferable[]): void };

/** A macrotask turn, so a 'stop' message that arrived during the epoch is handled before the next one starts. */
const yieldToMessages = () => new Promise<void>((ok) => setTimeout(ok, 0));

async function start(r: FineTuneRequest, stop: { requested: boolean }): Promise<void> {
  const model = await fineTune(r.trainStep, r.modelBytes, r.manifest, r.data, r.feed, {
    epochs: r.epochs,
    batchSize: r.batchSize,
    learningRate: r.learningRate,
    seed: r.seed,
    evaluate: async (bytes) => {
      const runner = await createRunner({ bytes, external: [] }, r.feed, 'wasm');
      try {
        return await testLoss(runner, r.data);
      } finally {
        await runner.release();
        await yieldToMessages();
      }
    },
    onEpoch: (report) => scope.postMessage({ kind: 'epoch', report }),
    shouldStop: () => stop.requested,
  });
  scope.postMessage({ kind: 'done', model, stopped: stop.requested }, [model.buffer as ArrayBuffer]);
}

{
  const stop = { requested: false };
  scope.onmessage = (e) => {
    if (e.data.kind === 'stop') {
      stop.requested = true;
      return;
    }
    start(e.data.request, stop).catch((err: unknown) => scope.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }));
  };
}
