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

const YEAR = /^\d{4}$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Milliseconds since 1970 (UTC) of an ISO 8601 date or date-time, or NaN when `text` is not one: 2024-01-31,
 * 2024/01/31, 2024-01 (a month), each date optionally followed by T or a space and hh:mm[:ss[.fff]], then Z or an
 * offset (+01:00, +0100, +01). Times without an offset are read as UTC, so steps never jump at daylight saving.
 * Dates with an English month name are read too (namedMonthDate): Jan 1 2000, January 1, 2000, 1 Jan 2000,
 * 01-Jan-2000, Jan 2000, Jan-2000.
 * `years`: a bare 4-digit number is a year too (used for a column named as a date: "year,value").
 */
export function parseDate(text: string, years = false): number {
  const s = text.trim();
  if (years && YEAR.test(s)) return Date.UTC(Number(s), 0, 1);
  // Read once per row of a file: a scan of the characters, no regular expression or Date object.
  const p = new DateScanner(s);
  const year = p.digits(4, 4);
  const sep = s[4];
  if (year < 0 || (sep !== '-' && sep !== '/')) return namedMonthDate(s);
  p.at++;
  const month = p.digits(1, 2);
  let day = 1, hour = 0, minute = 0, second = 0, ms = 0, offset = 0;
  if (p.take(sep)) {
    day = p.digits(1, 2);
    if (p.take('T') || p.take(' ')) {
      hour = p.digits(1, 2);
      if (!p.take(':')) return NaN;
      minute = p.digits(2, 2);
      if (p.take(':')) {
        second = p.digits(2, 2);
        if (p.take('.')) {
          const from = p.at;
          const fraction = p.digits(1, 9);
          if (fraction < 0) return NaN;
          ms = Math.round(fraction / 10 ** (p.at - from - 3));
        }
      }
      while (p.take(' ')) ;
      offset = p.zone();
    }
  }
  if (p.at !== s.length || Math.min(month, day, hour, minute, second, ms) < 0 || Number.isNaN(offset)) return NaN;
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

function validDay(year: number, month: number, day: number): boolean {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS[month - 1]! + leap;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** 1-12 for an English month's name or its first three letters (any case; "Sept" too), else 0. */
function monthNamed(word: string): number {
  const w = word.toLowerCase();
  if (w === 'sept') return 9;
  const m = MONTHS.findIndex((name) => name === w || (w.length === 3 && name.startsWith(w)));
  return m + 1;
}

/**
 * A date whose month is a name, day and year as digits, the words apart by spaces, dashes, slashes, commas or a
 * dot after the month: month day year (Jan 1 2000, January 1, 2000), day month year (1 Jan 2000, 01-Jan-2000), or
 * month year (Jan 2000, Jan-2000: the month's first day). Years have four digits: "Jan-49" could be 1949 or 2049.
 */
function namedMonthDate(s: string): number {
  const words: string[] = [];
  let at = 0;
  while (at < s.length) {
    const c = s[at]!;
    if (c === ' ' || c === '-' || c === '/' || c === ',' || c === '.') {
      at++;
      continue;
    }
    const letters = isLetter(c);
    if (!letters && !isDigit(c)) return NaN;
    let end = at + 1;
    while (end < s.length && (letters ? isLetter(s[end]!) : isDigit(s[end]!))) end++;
    words.push(s.slice(at, end));
    at = end;
  }
  const named = words.findIndex((w) => isLetter(w[0]!));
  if (named < 0 || words.length < 2 || words.length > 3) return NaN;
  const month = monthNamed(words[named]!);
  const numbers = words.filter((_, i) => i !== named);
  if (month === 0 || numbers.some((w) => !isDigit(w[0]!))) return NaN;
  // The year is the last word, four digits; the day (when there is one) the other number, one or two digits.
  const yearText = numbers.at(-1)!;
  if (yearText.length !== 4 || words.at(-1) !== yearText) return NaN;
  const year = Number(yearText);
  const dayText = numbers.length === 2 ? numbers[0]! : '1';
  if (dayText.length > 2) return NaN;
  const day = Number(dayText);
  return validDay(year, month, day) ? Date.UTC(year, month - 1, day) : NaN;
}

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** A cursor over a date's text; each reader returns −1 (digits) or NaN (zone) for text that is not there. */
class DateScanner {
  at = 0;
  constructor(private readonly s: string) {}

  take(ch: string | undefined): boolean {
    if (ch === undefined || this.s[this.at] !== ch) return false;
    this.at++;
    return true;
  }

  /** `min` to `max` decimal digits as a number. */
  digits(min: number, max: number): number {
    let v = 0, n = 0;
    for (; n < max; n++) {
      const c = this.s.charCodeAt(this.at + n) - 48;
      if (!(c >= 0 && c <= 9)) break;
      v = v * 10 + c;
    }
    this.at += n;
    return n >= min ? v : -1;
  }

  /** Z, +hh, +hhmm or +hh:mm in ms east of UTC; 0 when there is none. */
  zone(): number {
    if (this.take('Z') || this.take('z')) return 0;
    const sign = this.take('+') ? 1 : this.take('-') ? -1 : 0;
    if (sign === 0) return 0;
    const hours = this.digits(2, 2);
    this.take(':');
    const minutes = this.at < this.s.length ? this.digits(2, 2) : 0;
    return hours < 0 || minutes < 0 ? NaN : sign * (hours * 60 + minutes) * MINUTE;
  }
}

/** A date as text for labels and messages: the date alone at midnight, else date and time (UTC). */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, iso.endsWith(':00.000Z') ? 16 : 19).replace('T', ' ');
}
