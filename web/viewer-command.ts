// `ingraph viewer`: serves the built page with the models folder on 127.0.0.1. The installed package ships the
// page built (web/dist); a checkout builds it with vite when its sources are newer.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { UserError } from '../src/cli/errors.ts';
import { commandLine, FROM_SOURCE } from '../src/node/where.ts';
import { startViewerServer } from './server.ts';

interface ViewerArgs {
  port: number;
  models: string;
  rebuild: boolean;
}

/** The built page: rebuilt from the sources in a checkout (vite is a development dependency), shipped otherwise. */
async function pageDir(rebuild: boolean): Promise<string> {
  if (FROM_SOURCE) {
    const builder = './build.ts'; // a checkout only: not part of the built package
    const { ensureViewerBuilt } = (await import(builder)) as { ensureViewerBuilt(o: { force?: boolean }): Promise<string> };
    return ensureViewerBuilt({ force: rebuild });
  }
  // dist/web/viewer-command.js -> <package>/web/dist
  const dir = fileURLToPath(new URL('../../web/dist/', import.meta.url));
  if (!existsSync(resolve(dir, 'index.html'))) throw new UserError(`the viewer's page is missing from ${dir}: reinstall ingraph`);
  return dir;
}

export const viewerCommand: CommandModule<object, ViewerArgs> = {
  command: 'viewer',
  describe: 'serve the web viewer (model card, graph, forecasts, training, in-browser fine-tuning) on 127.0.0.1',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 5173, describe: 'port on 127.0.0.1 (0 picks a free one)' })
      .option('models', { type: 'string', default: 'models', describe: 'folder served read-only at /models/' })
      .option('rebuild', { type: 'boolean', default: false, describe: 'rebuild the page even if it is up to date (in a checkout)' })
      .check((a) => {
        if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new UserError(`--port must be 0..65535, got ${a.port}`);
        return true;
      }),
  handler: async ({ port, models, rebuild }) => {
    const dir = resolve(models);
    if (!existsSync(dir)) throw new UserError(`--models ${models}: no such folder (${commandLine('build-graph')} writes models/)`);
    const dist = await pageDir(rebuild);
    const server = await startViewerServer({ port, models: dir, dist }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' ? new UserError(`port ${port} is in use: pass another with --port`) : e;
    });
    process.stdout.write(`ingraph viewer: ${server.url}  (serving ${dir} at /models/; Ctrl-C to stop)\n`);
  },
};
