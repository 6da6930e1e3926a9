// One place turns any failure into one clear line on stderr and exit code 1. Errors that are the user's to fix
// (bad flag, bad file, missing provider) carry their message as is; anything else also says it is a bug.

export class UserError extends Error {}

const KNOWN = new Set(['UserError', 'DataError', 'OnnxError', 'EpError', 'CheckpointError']);

export function reportAndExit(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  if (KNOWN.has(e.constructor.name) || KNOWN.has(e.name)) {
    process.stderr.write(`error: ${e.message}\n`);
  } else {
    process.stderr.write(`error: ${e.message}\n`);
    if (process.env.INGRAPH_DEBUG) process.stderr.write(`${e.stack}\n`);
  }
  process.exit(1);
}
