// The grid: "hidden=5,16,32 lr=1e-2,1e-3 window=12,24" → every combination, as partial training settings. Each
// key names a training setting and parses its own values, so a bad key or value is refused before anything runs.

import { LOSS_NAMES } from '../graph/losses.ts';
import { LOCAL_MODES } from '../graph/preprocess.ts';
import { OPTIMIZER_NAMES } from '../optim/optimizer.ts';
import type { TrainSettings } from '../train/presets.ts';
import { SweepError } from './errors.ts';

export type GridSettings = Partial<Omit<TrainSettings, 'dense' | 'accumulateGrad'>>;
type Key = keyof GridSettings;

const int = (min: number) => (s: string): number | null => (/^\d+$/.test(s) && Number(s) >= min ? Number(s) : null);
const positive = (s: string): number | null => (/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && Number(s) > 0 && Number.isFinite(Number(s)) ? Number(s) : null);
const oneOf = <T extends string>(names: readonly T[]) => (s: string): T | null => (names.includes(s as T) ? (s as T) : null);
const either = (names: readonly string[]) => `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
const bool = (s: string): boolean | null => (s === 'true' ? true : s === 'false' ? false : null);

/** Grid key (as written on the command line) → the setting it sets, how its values parse, what they must be. */
const KEYS: Record<string, { setting: Key; parse: (s: string) => unknown; want: string }> = {
  hidden: { setting: 'hidden', parse: int(1), want: 'a whole number ≥ 1' },
  layers: { setting: 'layers', parse: int(1), want: 'a whole number ≥ 1' },
  window: { setting: 'window', parse: int(1), want: 'a whole number ≥ 1' },
  epochs: { setting: 'epochs', parse: int(1), want: 'a whole number ≥ 1' },
  'batch-size': { setting: 'batchSize', parse: int(1), want: 'a whole number ≥ 1' },
  lr: { setting: 'lr', parse: positive, want: 'a number > 0' },
  seed: { setting: 'seed', parse: int(0), want: 'a whole number ≥ 0' },
  normalize: { setting: 'normalize', parse: bool, want: 'true or false' },
  optimizer: { setting: 'optimizer', parse: oneOf(OPTIMIZER_NAMES), want: either(OPTIMIZER_NAMES) },
  loss: { setting: 'loss', parse: oneOf(LOSS_NAMES), want: either(LOSS_NAMES) },
  local: { setting: 'local', parse: oneOf(LOCAL_MODES), want: either(LOCAL_MODES) },
};

export interface GridAxis {
  key: Key;
  values: unknown[];
}

export function parseGrid(text: string): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const term of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = term.indexOf('=');
    const name = eq < 0 ? term : term.slice(0, eq);
    const spec = KEYS[name];
    if (!spec) throw new SweepError(`--grid: unknown key "${name}"; the keys are ${Object.keys(KEYS).join(', ')}`);
    if (eq < 0 || term.slice(eq + 1) === '') throw new SweepError(`--grid: "${term}" gives no values; write ${name}=v1,v2`);
    if (axes.some((a) => a.key === spec.setting)) throw new SweepError(`--grid: "${name}" is given twice`);
    const values = term.slice(eq + 1).split(',').map((v) => {
      const parsed = spec.parse(v);
      if (parsed === null) throw new SweepError(`--grid: ${name} must be ${spec.want}, got "${v}"`);
      return parsed;
    });
    if (new Set(values).size !== values.length) throw new SweepError(`--grid: ${name} lists a value twice`);
    axes.push({ key: spec.setting, values });
  }
  return axes;
}

/** Every combination, the first axis varying slowest; no axes → one empty point. */
export function expandGrid(axes: GridAxis[]): GridSettings[] {
  return axes.reduce<GridSettings[]>((points, axis) => points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.key]: v }))), [{}]);
}
