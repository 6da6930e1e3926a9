// The list of commands, one module each.
import type { CommandModule } from 'yargs';
import { doctor } from './doctor.ts';
import { viewer } from './viewer.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [doctor, viewer];
