// The command line: a thin yargs adapter. Each command file parses flags into a typed options object and calls
// one library function; errors are reported in one place (errors.ts).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { parseError, reportAndExit } from './errors.ts';
import { commands } from './commands.ts';

let cli = yargs(hideBin(process.argv))
  .scriptName('ingraph')
  .strict()
  .demandCommand(1, 'name a command (see --help)')
  .recommendCommands()
  .help()
  .wrap(Math.min(110, process.stdout.columns || 110))
  .fail((msg, err) => reportAndExit(parseError(msg, err)));
for (const c of commands) cli = cli.command(c);
// A synchronous handler's throw escapes a promise's .catch: await inside try catches both kinds.
try {
  await cli.parseAsync();
} catch (e) {
  reportAndExit(e);
}
