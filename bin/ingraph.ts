#!/usr/bin/env node
// The `ingraph` command: the library's commands (src/cli) and the viewer's (web/).
import { runCli } from '../src/cli/main.ts';
import { viewerCommand } from '../web/viewer-command.ts';

await runCli([viewerCommand]);
