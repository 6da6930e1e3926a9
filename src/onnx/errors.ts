// Every failure to read or write a model becomes an OnnxError whose message names the file and the problem.
import { UserError } from '../errors.ts';

export class OnnxError extends UserError {
  override name = 'OnnxError';
}

/** A name or path from a file, quoted for a one-line message: escaped (no newlines) and cut short, since a hostile
 *  file can hold a megabyte-long name. */
export function quote(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** Dims for a message: a file can declare millions of them. */
export function formatDims(dims: readonly number[], max = 8): string {
  return `[${dims.slice(0, max).join(',')}${dims.length > max ? `,… (${dims.length} dims)` : ''}]`;
}
