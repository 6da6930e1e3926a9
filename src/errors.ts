// The one base class of failures the user can act on (a bad flag, file, setting, model or environment): their
// message already says what is wrong and where, so the CLI prints it alone, as one line. Each part of the library
// names its own kind (DataError, TrainError, ...) so callers can tell them apart.
export class UserError extends Error {
  override name = 'UserError';
}
