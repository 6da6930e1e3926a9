// A training failure the user can act on (printed as one line by the CLI).
import { UserError } from '../errors.ts';

export class TrainError extends UserError {
  override name = 'TrainError';
}
