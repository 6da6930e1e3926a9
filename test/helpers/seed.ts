// The seed of a randomised test: its fixed default, so that every run checks the same cases, or the one in
// INGRAPH_TEST_SEED, to replay a failure or to try other cases. A failure says which seed it ran with.
const SEED_VARIABLE = 'INGRAPH_TEST_SEED';

function testSeed(fallback: number): number {
  const v = process.env[SEED_VARIABLE];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${SEED_VARIABLE} must be a whole number ≥ 0, got ${JSON.stringify(v)}`);
  return n;
}

/** Runs `body` with the test's seed; an error it throws leaves with the seed and how to rerun with it. */
export async function withSeed<T>(fallback: number, body: (seed: number) => T | Promise<T>): Promise<T> {
  const seed = testSeed(fallback);
  try {
    return await body(seed);
  } catch (e) {
    if (e instanceof Error) e.message += `\n(seed ${seed}; rerun with ${SEED_VARIABLE}=${seed})`;
    throw e;
  }
}
