// Writes the artifact set and its manifest into a folder, each file atomically (except those named in `keep`).
import { join } from 'node:path';
import { buildArtifacts, type ArtifactSpec } from '../artifacts/build.ts';
import { FILES, type Manifest } from '../artifacts/manifest.ts';
import { writeFileAtomic } from './files.ts';

export function writeArtifacts(out: string, spec: ArtifactSpec, keep: string[] = []): { manifest: Manifest; files: string[] } {
  const { files, manifest } = buildArtifacts(spec);
  for (const name of keep) delete files[name];
  for (const [name, bytes] of Object.entries(files)) writeFileAtomic(join(out, name), bytes);
  writeFileAtomic(join(out, FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, files: [...Object.keys(files), FILES.manifest] };
}
