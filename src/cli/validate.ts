// Flag checks shared by the commands: yargs parses types, these say what a value must be in one clear line.
import { UserError } from './errors.ts';

// yargs calls a coerce function only for a flag that is present (or has a default), so undefined here means the
// flag was given without a value (`--window --epochs 3`), which yargs would otherwise drop in favour of the default.
export function given(name: string, v: unknown): void {
  if (v === undefined) throw new UserError(`--${name} needs a value`);
  if (Array.isArray(v)) throw new UserError(`--${name} was given ${v.length} times; give it once`);
}

export function intAtLeast(name: string, min: number) {
  return (v: number): number => {
    given(name, v);
    if (!Number.isInteger(v) || v < min) throw new UserError(`--${name} must be a whole number ≥ ${min}, got ${v}`);
    return v;
  };
}

export function positive(name: string) {
  return (v: number): number => {
    given(name, v);
    if (!(Number.isFinite(v) && v > 0)) throw new UserError(`--${name} must be a number > 0, got ${v}`);
    return v;
  };
}

/** A share in [0, 1). */
export function fraction(name: string) {
  return (v: number): number => {
    given(name, v);
    if (!(Number.isFinite(v) && v >= 0 && v < 1)) throw new UserError(`--${name} must be a number in [0, 1), got ${v}`);
    return v;
  };
}

/** "32,16" -> [32, 16]; "" -> []. */
export function sizeList(name: string) {
  return (v: string | undefined) => {
    if (v === undefined) return undefined;
    if (v.trim() === '') return [];
    return v.split(',').map((s) => intAtLeast(name, 1)(Number(s)));
  };
}

/** A column given on the command line: digits mean an index unless the file has such a header (the reader decides). */
export function column(v: string | number | undefined): string | number | undefined {
  return v === undefined ? undefined : String(v);
}
