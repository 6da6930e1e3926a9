// Losses built as composites (src/graph/losses.ts): one rule for the whole loss instead of one per node.
import { MSE_COMPOSITE } from '../../graph/losses.ts';
import type { Value } from '../../graph/value.ts';
import { defineGrad } from '../registry.ts';

// mean((y − t)²): dy = 2·(y − t)/N · dl, dt = −dy. N is the element count, read from the graph (the last batch of an
// epoch is smaller); 2·dl folds to a constant when dl is the seed.
defineGrad(MSE_COMPOSITE, (c) => {
  const { o } = c;
  const d = (c.saved?.d as Value | undefined) ?? o.sub(c.I(0), c.I(1));
  const gl = c.GO(0);
  if (!gl) return [null, null];
  const n = o.cast(o.g.add('Size', [d], {})[0]!, 'float32');
  const dy = o.mul(d, o.div(o.mul(gl, o.scalar(2)), n));
  return [c.needs(0) ? dy : null, c.needs(1) ? o.neg(dy) : null];
});
