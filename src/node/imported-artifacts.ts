// An ONNX file another tool wrote as ingraph artifacts: `build-graph --from` writes them, `train` finds them again
// in their folder (the folder's model.onnx is the imported model, normalised, holding the latest weights).
import { join } from 'node:path';
import { FILES, type Manifest } from '../artifacts/manifest.ts';
import type { LossName } from '../graph/losses.ts';
import { importedModel, type ImportedModel, type ImportOptions } from '../graph/imported-model.ts';
import type { Optimizer } from '../optim/optimizer.ts';
import { readManifestIn, writeArtifacts } from './artifacts.ts';
import { lockFolder } from './lock.ts';
import { loadGraphFile } from './onnx-file.ts';

export interface FromOnnxSpec extends ImportOptions {
  from: string;
  out: string;
  seed: number;
  optimizer: Optimizer;
  loss: LossName;
}

/** Imports `from` and writes the artifact set into `out`. The model is read, checked and every artifact built
 *  before the folder is touched: a model that cannot be trained leaves nothing behind. */
export function writeImportedArtifacts(s: FromOnnxSpec): { files: string[]; manifest: Manifest } {
  const { model, params } = importedModel(loadGraphFile(s.from), s.from, s);
  const lock = lockFolder(s.out);
  try {
    return writeArtifacts(s.out, { model, params, seed: s.seed, optimizer: s.optimizer, loss: s.loss });
  } finally {
    lock.release();
  }
}

/** The imported model whose artifacts are in `dir`, with the weights its model.onnx holds; null when `dir` holds
 *  no artifacts or ingraph's own forecaster's. `manifest` is the folder's, when the caller has read it already. */
export function readImportedFolder(dir: string, manifest = readManifestIn(dir)): (ImportedModel & { manifest: Manifest }) | null {
  if (!manifest || manifest.config) return null;
  const modelPath = join(dir, FILES.model);
  const imported = importedModel(loadGraphFile(modelPath), modelPath, { trainable: manifest.parameters.map((p) => p.name), output: manifest.output.name });
  return { ...imported, manifest };
}
