// One place turns any failure into one clear line on stderr and exit code 1. Errors the user can fix (bad flag,
// bad file, missing provider) print their message alone; others too, with the stack under INGRAPH_DEBUG=1.

export class UserError extends Error {
  override name = 'UserError';
}

export function reportAndExit(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`error: ${e.message.split('\n')[0]}\n`);
  if (process.env.INGRAPH_DEBUG) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}
