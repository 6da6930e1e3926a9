// Tick values for chart axes: round numbers on a linear axis, and on a log axis 1-2-5 per decade, every integer
// mantissa when that gives too few, or else round linear values (a range narrower than a few of those steps).

/** About `count` round values (1, 2 or 5 times a power of ten apart) covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw)!;
  const out: number[] = [];
  // Multiples of the step, not a running sum, so 0 comes out as 0 rather than 1e-17.
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** Slack for values on the range's ends, which log10 rounds either way. */
const EPS = 1e-9;
/** Fewer labels than this on a log axis leave the reader unable to place a value. */
const MIN_LOG_TICKS = 3;

/** Ticks for a log10 axis over [lo, hi] given in log10 units; returns log10 values. */
export function logTicks(lo: number, hi: number): number[] {
  const decades = (mantissas: number[]) => {
    const out: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
      for (const m of mantissas) {
        const t = k + Math.log10(m);
        if (t >= lo - EPS && t <= hi + EPS) out.push(t);
      }
    }
    return out;
  };
  if (hi - lo > 3) return decades([1]);
  const coarse = decades([1, 2, 5]);
  if (coarse.length >= MIN_LOG_TICKS) return coarse;
  const fine = decades([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (fine.length >= MIN_LOG_TICKS) return fine;
  const [a, b] = [10 ** lo, 10 ** hi];
  const linear = linearTicks(a, b, 4);
  return (linear.length >= MIN_LOG_TICKS ? linear : linearTicks(a, b, 8)).filter((v) => v > 0).map(Math.log10);
}
