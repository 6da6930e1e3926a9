// A sweep's input the user can fix (grid, group column, queue URL): printed as one line, nothing started.
import { UserError } from '../errors.ts';

export class SweepError extends UserError {
  override name = 'SweepError';
}
