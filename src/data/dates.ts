// Dates in a series' date column: ISO 8601 text to milliseconds, the step between rows to a named frequency, and
// the frequency to the season a seasonal-naive forecast and MASE use.

export const FREQUENCIES = ['minutely', 'half-hourly', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Each frequency's range of steps in ms: calendar months and years vary in length, clocks a little. */
const STEPS: Record<Frequency, [number, number]> = {
  minutely: [0.9 * MINUTE, 1.1 * MINUTE],
  'half-hourly': [27 * MINUTE, 33 * MINUTE],
  hourly: [0.9 * HOUR, 1.1 * HOUR],
  daily: [0.9 * DAY, 1.1 * DAY],
  weekly: [6.5 * DAY, 7.5 * DAY],
  monthly: [27.5 * DAY, 31.5 * DAY],
  quarterly: [88 * DAY, 93 * DAY],
  yearly: [364 * DAY, 367 * DAY],
};

/**
 * The season of each frequency: the cycle the data most often repeats over — the day for sub-daily data (60 minutes
 * an hour is the shortest cycle kept for minutely data: a day of minutes, 1440, leaves too few seasons in a series),
 * the week for daily, the year for weekly, monthly and quarterly data. Yearly data and an unknown frequency get 1, which
 * makes the seasonal-naive forecast the naive one.
 */
const SEASONS: Record<Frequency, number> = {
  minutely: 60,
  'half-hourly': 48,
  hourly: 24,
  daily: 7,
  weekly: 52,
  monthly: 12,
  quarterly: 4,
  yearly: 1,
};

export function guessSeason(frequency: Frequency | null): number {
  return frequency ? SEASONS[frequency] : 1;
}

/** The frequency whose step the median step between consecutive dates falls in; null for fewer than two dates or
 *  a step none fits (every 15 minutes, every 2 days…). The median shrugs off gaps: weekdays-only data is daily. */
export function inferFrequency(dates: ArrayLike<number>): Frequency | null {
  if (dates.length < 2) return null;
  const steps = new Float64Array(dates.length - 1);
  for (let i = 1; i < dates.length; i++) steps[i - 1] = Math.abs(dates[i]! - dates[i - 1]!);
  steps.sort();
  const mid = steps.length >> 1;
  const median = steps.length % 2 ? steps[mid]! : (steps[mid - 1]! + steps[mid]!) / 2;
  return FREQUENCIES.find((f) => median >= STEPS[f][0] && median <= STEPS[f][1]) ?? null;
}

// 2024-01-31, 2024/01/31, 2024-01 (a month), each date optionally followed by T or a space and hh:mm[:ss[.fff]],
// then Z or an offset (+01:00, +0100, +01). Times without an offset are read as UTC, so steps never jump at
// daylight saving.
const ISO = /^(\d{4})([-/])(\d{1,2})(?:\2(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?$/i;
const YEAR = /^\d{4}$/;

/**
 * Milliseconds since 1970 (UTC) of an ISO 8601 date or date-time, or NaN when `text` is not one. `years`: a bare
 * 4-digit number is a year too (used for a column named as a date: "year,value").
 */
export function parseDate(text: string, years = false): number {
  const s = text.trim();
  if (years && YEAR.test(s)) return Date.UTC(Number(s), 0, 1);
  const m = ISO.exec(s);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = [m[1], m[3], m[4] ?? '1', m[5] ?? '0', m[6] ?? '0', m[7] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return NaN;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + (m[8] ? Math.round(Number(m[8]) * 1000) : 0);
  return ms - offsetMs(m[9]);
}

/** A date as text for labels and messages: the date alone at midnight, else date and time (UTC). */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, iso.endsWith(':00.000Z') ? 16 : 19).replace('T', ' ');
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * MINUTE;
}
