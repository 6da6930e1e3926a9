// A contender at the scaling grid's sizes: one long-lived child process answers one request per size, so its
// framework is imported and warmed once for the whole grid. PyTorch's child is torch_grid.py, TensorFlow.js's
// tfjs-grid.ts (compiled); both read a JSON request per line and answer `GRID_RESULT {"ms_per_step": [...]}`.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { compiledChild } from './child.ts';

export const TORCH_GRID_SCRIPT = join(import.meta.dirname, 'torch_grid.py');
export const TFJS_GRID_SCRIPT = join(import.meta.dirname, 'tfjs-grid.ts');
export const GRID_MARK = 'GRID_RESULT ';

export interface GridRequest {
  hidden: number;
  window: number;
  batch: number;
  threads: number;
  repeats: number;
  budgetMs: number;
}

export class GridChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string | null) => void)[] = [];
  private stderr = '';

  constructor(private readonly name: string, cmd: string, args: string[]) {
    this.child = spawn(cmd, args);
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (l) => l.startsWith(GRID_MARK) && this.waiting.shift()?.(l.slice(GRID_MARK.length)));
    this.child.on('close', () => this.waiting.splice(0).forEach((w) => w(null)));
  }

  static torch(python: string): GridChild {
    return new GridChild('torch_grid.py', python, [TORCH_GRID_SCRIPT]);
  }

  static tfjs(): GridChild {
    return new GridChild('tfjs-grid', process.execPath, [compiledChild(TFJS_GRID_SCRIPT)]);
  }

  /** ms per optimizer step of each repeat. */
  measure(r: GridRequest): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        if (line === null) return reject(new Error(`${this.name} ended without a result\n${this.stderr.trim()}`));
        resolve((JSON.parse(line) as { ms_per_step: number[] }).ms_per_step);
      });
      this.child.stdin.write(`${JSON.stringify({ hidden: r.hidden, window: r.window, batch: r.batch, threads: r.threads, repeats: r.repeats, budget_ms: r.budgetMs })}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
