// The command line: a thin yargs adapter. Each command file parses flags into a typed options object and calls
// one library function; errors are reported in one place (errors.ts). The entry point (bin/ingraph.ts) adds the
// commands that live outside src/ (the viewer's, in web/).
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { parseError, reportAndExit } from './errors.ts';
import { commands } from './commands.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runCli(extra: CommandModule<any, any>[] = [], argv = hideBin(process.argv)): Promise<void> {
  let cli = yargs(argv)
    .scriptName('ingraph')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => reportAndExit(parseError(msg, err)));
  for (const c of [...commands, ...extra]) cli = cli.command(c);
  // A synchronous handler's throw escapes a promise's .catch: await inside try catches both kinds.
  try {
    await cli.parseAsync();
  } catch (e) {
    reportAndExit(e);
  }
}
