import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FREQUENCIES, formatDate, guessSeason, inferFrequency, parseDate } from '../../src/data/dates.ts';

test('ISO 8601 dates and date-times, with offsets; anything else is NaN', () => {
  assert.equal(parseDate('2024-02-29'), Date.UTC(2024, 1, 29));
  assert.equal(parseDate('2024/02/29'), Date.UTC(2024, 1, 29));
  assert.equal(parseDate(' 1949-01 '), Date.UTC(1949, 0, 1));
  assert.equal(parseDate('2024-01-31T12:30'), Date.UTC(2024, 0, 31, 12, 30));
  assert.equal(parseDate('2024-01-31 12:30:15.250'), Date.UTC(2024, 0, 31, 12, 30, 15, 250));
  assert.equal(parseDate('2024-01-31T12:30:00Z'), Date.UTC(2024, 0, 31, 12, 30));
  assert.equal(parseDate('2024-01-31T12:30:00+01:00'), Date.UTC(2024, 0, 31, 11, 30));
  assert.equal(parseDate('2024-01-31T12:30:00-0530'), Date.UTC(2024, 0, 31, 18, 0));
  for (const bad of ['2023-02-29', '2024-13-01', '2024-01-32', '2024-01-01T24:00', '1/31/2024', '2024', '20240131', 'abc', '', '2024-01/31']) {
    assert.ok(Number.isNaN(parseDate(bad)), bad);
  }
  // A bare year only where the caller allows it (a column named year).
  assert.equal(parseDate('1990', true), Date.UTC(1990, 0, 1));
});

test('dates with an English month name: month day year, day month year, month year; four-digit years only', () => {
  for (const text of ['Jan 1 2000', 'January 1, 2000', 'jan 1, 2000', '1 Jan 2000', '01-Jan-2000', '1 January 2000', 'Jan. 1, 2000', '1/Jan/2000']) {
    assert.equal(parseDate(text), Date.UTC(2000, 0, 1), text);
  }
  assert.equal(parseDate('Sept 30 2021'), Date.UTC(2021, 8, 30));
  assert.equal(parseDate('Feb 29 2024'), Date.UTC(2024, 1, 29));
  assert.equal(parseDate('Mar 2020'), Date.UTC(2020, 2, 1));
  assert.equal(parseDate('Dec-1999'), Date.UTC(1999, 11, 1));
  assert.equal(parseDate('  October 2010 '), Date.UTC(2010, 9, 1));
  for (const bad of ['Feb 29 2023', 'Jan 32 2000', 'Jan-49', 'Jan 1 99', 'Foo 1 2000', 'Jan', 'May', 'Jan 1 2000 extra', 'Jan 2000 1', '1 2 Jan',
    'Ja 1 2000', 'Janu 1 2000', 'Jan 123 2000', 'Jan 1 2000x', 'Jan_1_2000', 'value', 'Total']) {
    assert.ok(Number.isNaN(parseDate(bad)), bad);
  }
});

test('formatDate prints what parseDate reads back', () => {
  for (const text of ['2024-01-31', '2024-01-31 12:30', '2024-01-31 12:30:15']) assert.equal(formatDate(parseDate(text)), text);
});

test('frequency from the median step: gaps and calendar lengths do not change it', () => {
  const steps = (start: number, ms: number[]) => ms.reduce((a, s) => [...a, a.at(-1)! + s], [start]);
  const day = 86_400_000;
  const months = Array.from({ length: 30 }, (_, i) => Date.UTC(2000, i, 1));
  assert.equal(inferFrequency(months), 'monthly');
  assert.equal(inferFrequency(Array.from({ length: 12 }, (_, i) => Date.UTC(2000, 3 * i, 1))), 'quarterly');
  assert.equal(inferFrequency(Array.from({ length: 8 }, (_, i) => Date.UTC(2000 + i, 0, 1))), 'yearly');
  // Weekdays only: the weekend gaps are outvoted.
  assert.equal(inferFrequency(steps(0, [day, day, day, day, 3 * day, day, day, day, day, 3 * day])), 'daily');
  assert.equal(inferFrequency(steps(0, [7 * day, 7 * day, 7 * day])), 'weekly');
  assert.equal(inferFrequency(steps(0, [3_600_000, 3_600_000, 7_200_000])), 'hourly');
  assert.equal(inferFrequency(steps(0, [1_800_000, 1_800_000])), 'half-hourly');
  assert.equal(inferFrequency(steps(0, [60_000, 60_000])), 'minutely');
  // Newest first reads the same.
  assert.equal(inferFrequency([...months].reverse()), 'monthly');
  assert.equal(inferFrequency(steps(0, [900_000, 900_000])), null);
  assert.equal(inferFrequency([0]), null);
});

test('seasons: a day of sub-daily steps, a week of days, a year of weeks, months and quarters; 1 otherwise', () => {
  assert.deepEqual(Object.fromEntries(FREQUENCIES.map((f) => [f, guessSeason(f)])), {
    minutely: 60, 'half-hourly': 48, hourly: 24, daily: 7, weekly: 52, monthly: 12, quarterly: 4, yearly: 1,
  });
  assert.equal(guessSeason(null), 1);
});
