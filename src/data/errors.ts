// One error type for bad input data, so the CLI can print it as-is: its message already says where the problem is.
import { UserError } from '../errors.ts';

export interface DataLocation {
  /** File name as the user gave it. */
  source?: string;
  /** 1-based line in the source. */
  line?: number;
}

export class DataError extends UserError {
  readonly source?: string;
  readonly line?: number;

  /** `message` is final: callers build it with {@link locate} so it names the file and line itself. */
  constructor(message: string, where: DataLocation = {}) {
    super(message);
    this.name = 'DataError';
    this.source = where.source;
    this.line = where.line;
  }
}

/** "data.csv line 7", "data.csv", "line 7", or "" when nothing is known. */
export function locate(where: DataLocation): string {
  const line = where.line === undefined ? '' : `line ${where.line}`;
  return [where.source, line].filter(Boolean).join(' ');
}

/** `detail` prefixed by its location: "data.csv line 7: detail". */
export function dataError(detail: string, where: DataLocation = {}): DataError {
  const at = locate(where);
  return new DataError(at ? `${at}: ${detail}` : detail, where);
}
