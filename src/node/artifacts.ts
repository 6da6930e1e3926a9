// Writes the artifact set and its manifest into a folder, each file atomically (except those named in `keep`), and
// reads a folder's manifest back.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildArtifacts, type ArtifactSpec } from '../artifacts/build.ts';
import { FILES, parseManifest, type Manifest } from '../artifacts/manifest.ts';
import { writeFileAtomic } from './files.ts';

export function writeArtifacts(out: string, spec: ArtifactSpec, keep: string[] = []): { manifest: Manifest; files: string[] } {
  const { files, manifest } = buildArtifacts(spec);
  for (const name of keep) delete files[name];
  for (const [name, bytes] of Object.entries(files)) writeFileAtomic(join(out, name), bytes);
  writeFileAtomic(join(out, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, files: [...Object.keys(files), FILES.manifest] };
}

/** The manifest of the artifacts in `dir`; null when it has none. */
export function readManifestIn(dir: string): Manifest | null {
  const path = join(dir, FILES.manifest);
  return existsSync(path) ? parseManifest(readFileSync(path, 'utf8'), path) : null;
}
