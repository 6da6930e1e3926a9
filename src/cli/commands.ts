// The list of the library's commands, one module each.
import type { CommandModule } from 'yargs';
import { backtestCommand } from './backtest.ts';
import { buildGraphCommand } from './build-graph.ts';
import { doctor } from './doctor.ts';
import { forecastCommand } from './forecast.ts';
import { predictCommand } from './predict.ts';
import { setupCudaCommand } from './setup-cuda.ts';
import { sweepCommand } from './sweep.ts';
import { trainCommand } from './train.ts';
import { workerCommand } from './worker.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [buildGraphCommand, trainCommand, predictCommand, forecastCommand, backtestCommand, sweepCommand, workerCommand, doctor, setupCudaCommand];
