// The advice printed when a model loses to a baseline names what the run trained without, never what it already used.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adviceFor } from '../../src/train/test-report.ts';

test('advice suggests the preprocessing a run lacked, then sizes; not the flags already in effect', () => {
  const plain = adviceFor({ local: 'none', normalize: false });
  assert.match(plain, /^try --local last, --normalize, a longer --window/);
  const preset = adviceFor({ local: 'last', normalize: true });
  assert.doesNotMatch(preset, /--local|--normalize/);
  assert.match(preset, /^try a longer --window, a larger --hidden or a smaller --lr or more --epochs$/);
  assert.doesNotMatch(adviceFor({ local: 'last', normalize: false }), /--local/);
});
