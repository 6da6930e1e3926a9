// A forecast or backtest the user can fix (steps, folds, a model folder): printed as one line.
import { UserError } from '../errors.ts';

export class ForecastError extends UserError {
  override name = 'ForecastError';
}
