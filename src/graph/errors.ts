// A model the graph passes cannot take as it is (an imported one they would have to change the meaning of): the
// message names the node and says why, in one line.
import { UserError } from '../errors.ts';

export class ModelError extends UserError {
  override name = 'ModelError';
}
