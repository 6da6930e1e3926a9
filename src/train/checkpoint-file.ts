// Checkpoints on disk: read with a clear error when absent or damaged, written atomically.
import { existsSync, readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointState } from '../artifacts/checkpoint.ts';
import type { Manifest } from '../artifacts/manifest.ts';
import { writeFileAtomic } from '../node/files.ts';
import type { TrainSettings } from './presets.ts';
import { TrainError } from './errors.ts';

export function readCheckpoint(path: string): CheckpointState {
  if (!existsSync(path)) throw new TrainError(`--resume: no checkpoint at ${path}; run without --resume to start`);
  return decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
}

export function writeCheckpoint(path: string, s: {
  params: ort.Tensor; state: ort.Tensor[]; manifest: Manifest; step: number; epoch: number; rng: number; settings: TrainSettings; source: string;
}): void {
  const tensors = new Map<string, Float32Array>([['params', s.params.data as Float32Array]]);
  s.manifest.optimizer.state.forEach((n, i) => tensors.set(n, s.state[i]!.data as Float32Array));
  writeFileAtomic(path, encodeCheckpoint({
    config: s.manifest.config, optimizer: { name: s.manifest.optimizer.name, hyper: s.manifest.optimizer.hyper },
    step: s.step, epoch: s.epoch, rng: s.rng, extra: { settings: s.settings, data: s.source }, tensors,
  }));
}

