// Builds the page into web/dist when it is missing or older than any source it is built from.
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import config, { WEB_ROOT } from './vite.config.ts';

export const DIST = join(WEB_ROOT, 'dist');
const REPO = join(WEB_ROOT, '..');
// The page imports from src/ (the ONNX codec, data); package-lock.json pins what it bundles.
const SOURCES = [join(WEB_ROOT, 'index.html'), join(WEB_ROOT, 'src'), join(WEB_ROOT, 'vite.config.ts'), join(REPO, 'src'), join(REPO, 'package-lock.json')];

async function newestMtime(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

export async function isViewerStale(): Promise<boolean> {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = (await stat(index)).mtimeMs;
  for (const s of SOURCES) if (existsSync(s) && (await newestMtime(s)) > built) return true;
  return false;
}

/** Returns the folder holding the built page. */
export async function ensureViewerBuilt(opts: { force?: boolean } = {}): Promise<string> {
  if (opts.force || (await isViewerStale())) await build({ ...config, configFile: false });
  return DIST;
}
