// `ingraph viewer`: builds the web page when needed and serves it with the models folder on 127.0.0.1.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { startViewerServer } from '../../web/server.ts';
import { UserError } from './errors.ts';

interface ViewerArgs {
  port: number;
  models: string;
  rebuild: boolean;
}

export const viewer: CommandModule<object, ViewerArgs> = {
  command: 'viewer',
  describe: 'serve the web viewer (model card, graph, forecasts, training, in-browser fine-tuning) on 127.0.0.1',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 5173, describe: 'port on 127.0.0.1 (0 picks a free one)' })
      .option('models', { type: 'string', default: 'models', describe: 'folder served read-only at /models/' })
      .option('rebuild', { type: 'boolean', default: false, describe: 'rebuild the page even if it is up to date' })
      .check((a) => {
        if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new UserError(`--port must be 0..65535, got ${a.port}`);
        return true;
      }),
  handler: async ({ port, models, rebuild }) => {
    const dir = resolve(models);
    if (!existsSync(dir)) throw new UserError(`--models ${models}: no such folder (npm run build-graph writes models/)`);
    // Loaded here, not at the top: the builder (vite) takes ~150 MB, which every other command would pay too.
    const { ensureViewerBuilt } = await import('../../web/build.ts');
    const dist = await ensureViewerBuilt({ force: rebuild });
    const server = await startViewerServer({ port, models: dir, dist }).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'EADDRINUSE' ? new UserError(`port ${port} is in use: pass another with --port`) : e;
    });
    process.stdout.write(`ingraph viewer: ${server.url}  (serving ${dir} at /models/; Ctrl-C to stop)\n`);
  },
};
