// Opening things: a model by URL (?model=, the default models/model.onnx) or among picked and dropped files, with
// the sidecars beside it; a series by URL (?csv=) or as a dropped file. Everything is read before anything changes.
import { FILES } from '../../../src/artifacts/manifest.ts';
import { besideUrl, readSidecars, trainStepFile } from '../artifacts.ts';
import { ContractError } from '../runtime.ts';
import { show } from '../panels/model.ts';
import { readCsv } from '../panels/data.ts';
import { run } from '../panels/forecast.ts';
import { fetchBytes, urlName } from './fetch.ts';
import { decode, externalLocations } from './model-file.ts';
import type { CsvData, Page } from './page.ts';

/** Files of the artifact set that are not the model to view when several .onnx files are opened together. */
const TRAINING_ARTIFACTS = new Set<string>([FILES.trainStep, FILES.training, FILES.optimizer, FILES.eval]);

/** A CSV series by URL (the page's ?csv=), read by the same code as a dropped file. */
export async function fetchCsv(page: Page, url: URL): Promise<CsvData> {
  const name = urlName(url);
  const file = new File([(await fetchBytes(page, url, url.pathname.replace(/^\//, ''))) as BlobPart], name, { type: 'text/csv' });
  return readCsv(page, file);
}

export async function openUrl(page: Page, url: URL): Promise<void> {
  const name = urlName(url);
  page.setStatus('loading', `loading ${name}…`);
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(page, url, url.protocol === location.protocol && url.origin === location.origin ? url.pathname.replace(/^\//, '') : url.href);
  } catch (e) {
    const hint = url.pathname.endsWith(`/models/${FILES.model}`) ? ': build one with `npm run build-graph`, or open a file' : '';
    throw new Error(`${(e as Error).message}${hint}`);
  }
  const { model, info } = decode(name, bytes);
  const external = await Promise.all(
    externalLocations(model).map(async (path) => {
      const at = new URL(path, url);
      if (at.origin !== url.origin) throw new Error(`${name}: external data "${path}" is not on this server`);
      return { path, data: await fetchBytes(page, at, path) };
    }),
  );
  const sidecars = await readSidecars(besideUrl(url));
  const stepName = trainStepFile(sidecars.manifest);
  const stepUrl = new URL(stepName, url);
  const hasStep = (await fetch(stepUrl, { method: 'HEAD', cache: 'no-cache' })).ok;
  page.state.runs = [];
  await show(page, { name, bytes, model, info, external, sidecars, trainStep: hasStep ? () => fetchBytes(page, stepUrl, stepName) : null });
}

/** Runs the current model on `data`; when that fails for a reason of the data, the data before is restored. */
export async function useData(page: Page, data: CsvData | null): Promise<void> {
  const previous = page.state.csv;
  page.state.csv = data;
  try {
    await run(page);
  } catch (e) {
    if (e instanceof ContractError || data === previous) throw e;
    page.state.csv = previous;
    const kept = previous ? previous.file.name : 'the tutorial series';
    await run(page).catch((again: unknown) => console.error(again));
    throw new Error(`${data?.file.name ?? 'the tutorial series'}: ${(e as Error).message}\nThe data stays ${kept}.`);
  }
}

export async function openFiles(page: Page, files: File[]): Promise<void> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const csv = files.find((f) => /\.csv$/i.test(f.name));
  const models = files.filter((f) => /\.onnx$/i.test(f.name));
  const file = models.find((f) => !TRAINING_ARTIFACTS.has(f.name)) ?? models[0];
  if (!csv && !file) throw new Error(`nothing to open in ${files.map((f) => f.name).join(', ')}: choose an .onnx model or a .csv series`);
  // Everything is read before anything changes, so a bad file leaves the page as it was.
  if (csv) page.setStatus('loading', `reading ${csv.name}…`);
  const data = csv ? await readCsv(page, csv) : page.state.csv;
  if (!file) {
    await useData(page, data);
    return;
  }
  page.setStatus('loading', `loading ${file.name}…`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { model, info } = decode(file.name, bytes);
  const external = await Promise.all(
    externalLocations(model).map(async (path) => {
      const f = byName.get(path.split('/').pop()!);
      if (!f) throw new Error(`${file.name} keeps its weights in "${path}": open that file together with the model`);
      return { path, data: new Uint8Array(await f.arrayBuffer()) };
    }),
  );
  const sidecars = await readSidecars(async (n) => (byName.has(n) ? byName.get(n)!.text() : null));
  const step = byName.get(trainStepFile(sidecars.manifest));
  page.state.csv = data;
  page.state.runs = [];
  await show(page, { name: file.name, bytes, model, info, external, sidecars, trainStep: step ? async () => new Uint8Array(await step.arrayBuffer()) : null });
}
