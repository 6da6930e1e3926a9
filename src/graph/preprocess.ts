// Preprocessing as part of a model's forward pass, so every graph built from it (model.onnx, the training, eval and
// train-step graphs) takes raw values and returns raw values: the file a user deploys needs no constants beside it,
// and what the trainer evaluates is exactly what model.onnx computes. The constants are frozen values of the model.
//
// Why inside rather than normalising the data outside for training: one forward pass serves training and inference,
// so the two cannot drift apart, and the training loss and every evaluation are in the data's units.
import { Tensor } from '../onnx/tensor.ts';
import type { Ops } from './ops.ts';
import { exampleDims, type TrainableModel } from './trainable.ts';
import type { Value } from './value.ts';

/** How a window is made local before the network sees it: 'last' makes every input an offset from its column's
 *  last value in the window and the output the change from the target's last value (a trend or a level shift never
 *  leaves the training range); 'window' centres each column on its window's mean and divides by its window's spread,
 *  and the output is scaled back by the target's (per-window normalisation, RevIN without the learned affine: a
 *  change of level or of volatility never leaves the training range); 'none' keeps levels. */
export const LOCAL_MODES = ['last', 'window', 'none'] as const;
export type LocalMode = (typeof LOCAL_MODES)[number];

/** What the model does to raw values around its network: written to manifest.json as `preprocess`. */
export interface Preprocess {
  local: LocalMode;
  /** Per input column: subtracted from it (local 'none' only; 'last' subtracts the window's last value, 'window'
   *  its window's mean). */
  center: number[];
  /** Per input column: what its offsets are divided by ('window': the column's size, whose 1/1000 floors each
   *  window's spread, so that a flat window is not divided by zero). */
  scale: number[];
  /** The target: its place among the input columns (null: not one of them), and the network's output is multiplied
   *  by scale, then center is added ('none') or the window's last target value ('last'). */
  target: { index: number | null; center: number; scale: number };
}

/** Names of the frozen values the preprocessing adds to a model. */
export const PREPROCESS_VALUES = { center: 'pre.center', scale: 'pre.scale', targetCenter: 'post.center', targetScale: 'post.scale' } as const;

/** `m` with `p` around its forward pass; the result takes and returns raw values. */
export function withPreprocess(m: TrainableModel, p: Preprocess): TrainableModel {
  const [window, features] = exampleDims(m.input) as [number, number];
  if (p.center.length !== features || p.scale.length !== features) throw new Error(`preprocess: ${p.scale.length} column scales for a model of ${features} features`);
  if (p.local !== 'none' && p.target.index === null) throw new Error(`preprocess: local "${p.local}" needs the target among the input columns`);
  const N = PREPROCESS_VALUES;
  const frozen = new Map(m.frozen);
  frozen.set(N.center, Tensor.float([features], p.center)).set(N.scale, Tensor.float([features], p.scale));
  frozen.set(N.targetCenter, Tensor.float([1], [p.target.center])).set(N.targetScale, Tensor.float([1], [p.target.scale]));
  return {
    ...m,
    frozen,
    preprocess: p,
    forward(o: Ops, x: Value, param, f): Value {
      if (p.local === 'window') {
        // Over the window axis of x [batch, window, features]: mean and spread per example and column, [batch, 1, F].
        const mean = o.reduceMean(x, [1], true);
        const centred = o.sub(x, mean);
        const floor = o.mul(param(N.scale), o.scalar(SPREAD_FLOOR));
        const spread = o.sqrt(o.add(o.reduceMean(o.mul(centred, centred), [1], true), o.mul(floor, floor)));
        const y = m.forward(o, o.div(centred, spread), param, { lstmForward: f.lstmForward });
        const target = (v: Value) => o.squeeze(o.slice(v, [p.target.index!], [p.target.index! + 1], [2]), [2]); // [batch, 1]
        return o.add(o.mul(y, target(spread)), target(mean), f.outName);
      }
      const offsets = p.local === 'last' ? o.sub(x, o.slice(x, [window - 1], [window], [1])) : o.sub(x, param(N.center));
      const y = m.forward(o, o.div(offsets, param(N.scale)), param, { lstmForward: f.lstmForward });
      const base = p.local === 'last' ? lastTarget(o, x, window, p.target.index!) : param(N.targetCenter);
      return o.add(o.mul(y, param(N.targetScale)), base, f.outName);
    },
  };
}

/** local 'window': a window's spread is at least this share of its column's size (Preprocess.scale). */
const SPREAD_FLOOR = 1e-3;

/** The target column's last value in each window, [batch, 1]. */
function lastTarget(o: Ops, x: Value, window: number, index: number): Value {
  return o.squeeze(o.slice(x, [window - 1, index], [window, index + 1], [1, 2]), [2]);
}
