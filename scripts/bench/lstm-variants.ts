// The LSTM's forward and backward emitted three ways, for the profile in docs/bench.md (not used by training):
//   'op'        ONNX's LSTM op, whose rule recomputes gates and cell states from Y;
//   'composite' the forward unrolled into standard ops and declared a composite LSTM, so the same rule runs on the
//               gates and cells the forward kept (train_step's default for windows up to MAX_UNROLLED_WINDOW);
//   'plain'     the same unrolled forward with its composite declaration dropped: the generic autodiff
//               differentiates every node (a per-step backward, nothing batched over time).
import type { RecurrenceMode } from '../../src/autodiff/registry.ts';
import { trainingGraph } from '../../src/artifacts/training.ts';
import type { Graph } from '../../src/graph/graph.ts';
import { forecaster, forecasterModel, type ModelConfig } from '../../src/graph/model.ts';

export type LstmVariant = 'op' | 'composite' | 'plain';

/** training_model.onnx's interface (x, target, parameters -> loss, <name>_grad) with the LSTM emitted as `v`. */
export function trainingGraphVariant(c: ModelConfig, v: LstmVariant, recurrence: RecurrenceMode = 'auto'): Graph {
  return trainingGraph({
    ...forecasterModel(c),
    forward: (o, x, p) => {
      const y = forecaster(o, x, c, p, undefined, v === 'op' ? 'op' : 'unrolled');
      if (v === 'plain') o.g.composites.length = 0; // differentiate the unrolled nodes themselves
      return y;
    },
  }, { recurrence });
}
