// One place turns any failure into one clear line on stderr and exit code 1. Errors the user can fix (bad flag,
// bad file, missing provider) print their message alone; others too, with the stack under INGRAPH_DEBUG=1.

import { UserError } from '../errors.ts';

export { UserError };

export function reportAndExit(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`error: ${e.message.split('\n')[0]}\n`);
  if (process.env.INGRAPH_DEBUG) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}

/** A yargs parse failure as the error to report: yargs' own messages get a pointer to --help, and its
 *  "Not enough arguments following: x" says what it means. */
export function parseError(msg: string | null, err: Error | null | undefined): Error {
  // yargs spreads some messages over lines ("Invalid values:\n  Argument: …"): one line keeps all of it.
  const text = (err?.message ?? msg ?? 'invalid command line').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const missing = /^Not enough arguments following: (.+)$/.exec(text);
  if (missing) return new UserError(`--${missing[1]} needs a value`);
  return err ?? new UserError(`${text} (see --help)`);
}
