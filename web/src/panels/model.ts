// The Model and Graph panels for a newly opened model: its card and graph; then its training and its forecasts.
import { trainingSettings } from '../artifacts.ts';
import { modelCard } from '../card.ts';
import { byId, fill } from '../dom.ts';
import { graphView } from '../graph-view.ts';
import { externalReader } from '../page/model-file.ts';
import type { Loaded, Page } from '../page/page.ts';
import { run } from './forecast.ts';
import { renderTraining } from './training.ts';

/** Card, graph and training for a newly opened model, then its forecasts. */
export async function show(page: Page, m: Loaded): Promise<void> {
  page.state.model = m;
  page.exposed.model = m.name;
  fill(byId('card'), modelCard(m.info, { name: m.name, size: m.bytes.length }));
  const g = graphView(m.model.graph ?? {}, externalReader(m));
  fill(byId('graph'), g.element);
  g.shown();
  byId('graph-note').textContent = g.note;
  renderTraining(page);
  if (!page.state.runs.length) {
    const { lr, batchSize } = trainingSettings(m.sidecars);
    if (lr) byId<HTMLInputElement>('train-lr').value = String(lr);
    if (batchSize) byId<HTMLInputElement>('train-batch').value = String(batchSize);
  }
  await run(page);
  if (m.sidecars.problems.length) throw new Error(m.sidecars.problems.join('\n'));
}
