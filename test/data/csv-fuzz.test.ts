// Randomly mutated CSV texts must each give finite numbers or a DataError: never another exception, never a hang,
// and the same outcome whether the text arrives whole or in random chunks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvColumnReader, type CsvColumnOptions } from '../../src/data/csv.ts';
import { DataError } from '../../src/data/errors.ts';
import { Rng } from '../../src/data/rng.ts';
import { withSeed } from '../helpers/seed.ts';

// Valid texts with the options that read them; mutations then break them in small ways.
const BASES: { text: string; opts: CsvColumnOptions }[] = [
  { text: 'date,price\n2024-01-01,1.5\n2024-01-02,2.5\n', opts: { column: 'price' } },
  { text: '\uFEFFa,"b, c",d\r\n1,"2",3\r\n\r\n4,"5e-1",6\r\n', opts: { column: 'b, c' } },
  { text: '1\n2\n3\n', opts: {} },
  { text: 'x;y\n1,5;2\n3;4;\n', opts: { column: 'y', delimiter: ';' } },
  { text: '"v"\n"1e3"\n-2\n', opts: {} },
  { text: '1e+5\n-2.5E+3\n.5e-1\n', opts: {} },
  { text: 'a\tb\n1\t2\n', opts: { column: 1, delimiter: '\t', header: true } },
  { text: 'date,sym,v\n2024-01-01,A,1\n2024-01-01,B,NA\n2024-01-02,B,3\n2024-01-03,B,\n', opts: { where: { column: 'sym', value: 'B' }, fill: 'interpolate' } },
  { text: 'ds\tv\n2024-01-01 10:00\t1\n2024-01-01 09:00\tnull\n2024-01-01 08:00\t3\n', opts: { fill: 'ffill' } },
  { text: 'month;a;b\n1990-01;1;2\n1990-02;-;4\n', opts: { column: 'b', fill: 'drop' } },
];
const TOKENS = [',', ';', '\t', '"', '""', '\n', '\r', '\r\n', '\uFEFF', ' ', '0', '7', '.', '-', '+', 'e', 'NaN', 'Infinity', 'a', 'é', '1e999'];
const COLUMNS = [undefined, 0, 1, 2, 5, 'a', 'price', 'x', '1', 'zz', ''];
const HEADERS = [undefined, 'auto', true, false] as const;
const DELIMITERS = [undefined, ',', ';', '\t'];

const pick = <T>(rng: Rng, list: readonly T[]): T => list[rng.int(list.length)]!;

function mutate(rng: Rng, text: string): string {
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const at = rng.int(text.length + 1);
    const len = rng.int(6);
    switch (rng.int(4)) {
      case 0:
        text = text.slice(0, at) + pick(rng, TOKENS) + text.slice(at);
        break;
      case 1:
        text = text.slice(0, at) + text.slice(at + len);
        break;
      case 2:
        text = text.slice(0, at) + text.slice(at, at + len).repeat(2) + text.slice(at + len);
        break;
      default:
        text = text.slice(0, at) + pick(rng, TOKENS) + text.slice(at + 1);
    }
  }
  return text;
}

/** The values, or the DataError's message; any other exception fails the test. */
function outcome(chunks: string[], opts: CsvColumnOptions): number[] | string {
  try {
    const reader = new CsvColumnReader(opts);
    for (const c of chunks) reader.push(c);
    const out = reader.end();
    assert.ok(out instanceof Float64Array);
    for (const v of out) assert.ok(Number.isFinite(v), `non-finite value ${v}`);
    return Array.from(out);
  } catch (e) {
    if (e instanceof DataError) return e.message;
    throw e;
  }
}

function randomChunks(rng: Rng, text: string): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < text.length; ) {
    const len = 1 + rng.int(8);
    chunks.push(text.slice(at, at + len));
    at += len;
  }
  return chunks;
}

// A count, not a time budget: every run checks the same cases whatever the machine's load.
const CASES = 3000;

test(`fuzz: ${CASES} mutated CSV texts each give finite numbers or a DataError, the same in chunks`, () => withSeed(0, (seed) => {
  const rng = Rng.derive(seed, 'csv-fuzz');
  let parsed = 0;
  for (let cases = 0; cases < CASES; cases++) {
    const base = pick(rng, BASES);
    const text = mutate(rng, base.text);
    // Mostly the base's own options, so that many cases parse and the success path is fuzzed too.
    const opts: CsvColumnOptions =
      rng.next() < 0.7
        ? { ...base.opts, source: 'fuzz.csv' }
        : { column: pick(rng, COLUMNS), header: pick(rng, HEADERS), delimiter: pick(rng, DELIMITERS), source: 'fuzz.csv' };
    const whole = outcome([text], opts);
    assert.deepEqual(outcome(randomChunks(rng, text), opts), whole, JSON.stringify({ text, opts }));
    if (typeof whole === 'string') assert.ok(whole.startsWith('fuzz.csv'), whole);
    else parsed++;
  }
  // Both outcomes must be common, or the mutations are not exercising the parser.
  assert.ok(parsed > CASES / 10 && parsed < CASES * 0.95, `${parsed} of ${CASES} parsed`);
}));
