// A sweep's input the user can fix (grid, group column, queue URL): printed as one line, nothing started.
export class SweepError extends Error {
  override name = 'UserError';
}
