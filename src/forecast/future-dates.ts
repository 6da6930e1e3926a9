// The dates of the steps past a series' last date: calendar steps for months, quarters and years (their lengths
// vary), fixed ones otherwise.

import type { Frequency } from '../data/dates.ts';

const FIXED_MS: Partial<Record<Frequency, number>> = {
  minutely: 60_000, 'half-hourly': 1_800_000, hourly: 3_600_000, daily: 86_400_000, weekly: 7 * 86_400_000,
};
const MONTHS: Partial<Record<Frequency, number>> = { monthly: 1, quarterly: 3, yearly: 12 };

export function futureDates(last: number, frequency: Frequency, steps: number): Float64Array {
  const fixed = FIXED_MS[frequency];
  const months = MONTHS[frequency] ?? 0;
  const d = new Date(last);
  return Float64Array.from({ length: steps }, (_, k) =>
    fixed !== undefined
      ? last + (k + 1) * fixed
      : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (k + 1) * months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
}
