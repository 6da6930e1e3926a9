// Checkpoints on disk: read with a clear error when absent or damaged, written atomically from the engine's state.
import { existsSync, readFileSync } from 'node:fs';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointState } from '../artifacts/checkpoint.ts';
import type { Manifest } from '../artifacts/manifest.ts';
import type { EngineState } from '../engine/engine.ts';
import { writeFileAtomic } from '../node/files.ts';
import { TrainError } from './errors.ts';

export function readCheckpoint(path: string): CheckpointState {
  if (!existsSync(path)) throw new TrainError(`--resume: no checkpoint at ${path}; run without --resume to start`);
  return decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
}

/** `more` adds tensors of the trainer's own (the best epoch's parameters) beside the engine's. */
export function writeCheckpoint(path: string, s: { state: EngineState; manifest: Manifest; epoch: number; extra: Record<string, unknown>; more?: Map<string, Float32Array> }): void {
  const tensors = new Map<string, Float32Array>([['params', s.state.params], ...s.state.states, ...(s.more ?? [])]);
  writeFileAtomic(path, encodeCheckpoint({
    config: s.manifest.config, optimizer: { name: s.manifest.optimizer.name, hyper: s.manifest.optimizer.hyper },
    step: s.state.step, epoch: s.epoch, rng: s.state.rng, extra: s.extra, tensors,
  }));
}
