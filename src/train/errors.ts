// A training failure the user can act on (printed as one line by the CLI).
export class TrainError extends Error {
  override name = 'UserError';
}
