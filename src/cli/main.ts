// The command line: a thin yargs adapter. Each command file parses flags into a typed options object and calls
// one library function; errors are reported in one place (errors.ts).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { reportAndExit } from './errors.ts';
import { commands } from './commands.ts';

let cli = yargs(hideBin(process.argv))
  .scriptName('ingraph')
  .strict()
  .demandCommand(1, 'name a command (see --help)')
  .recommendCommands()
  .help()
  .wrap(Math.min(110, process.stdout.columns || 110))
  .fail((msg, err) => reportAndExit(err ?? new Error(`${msg} (see --help)`)));
for (const c of commands) cli = cli.command(c);
await cli.parseAsync().catch(reportAndExit);
