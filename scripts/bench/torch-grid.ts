// PyTorch at the scaling grid's sizes: one long-lived Python child (torch_grid.py) answers one request per size,
// so torch is imported once for the whole grid.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const TORCH_GRID_SCRIPT = join(import.meta.dirname, 'torch_grid.py');
const MARK = 'GRID_RESULT ';

export interface GridRequest {
  hidden: number;
  window: number;
  batch: number;
  threads: number;
  repeats: number;
  budgetMs: number;
}

export class TorchGrid {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string | null) => void)[] = [];
  private stderr = '';

  constructor(python: string) {
    this.child = spawn(python, [TORCH_GRID_SCRIPT]);
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (l) => l.startsWith(MARK) && this.waiting.shift()?.(l.slice(MARK.length)));
    this.child.on('close', () => this.waiting.splice(0).forEach((w) => w(null)));
  }

  /** ms per optimizer step of each repeat. */
  measure(r: GridRequest): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        if (line === null) return reject(new Error(`torch_grid.py ended without a result\n${this.stderr.trim()}`));
        resolve((JSON.parse(line) as { ms_per_step: number[] }).ms_per_step);
      });
      this.child.stdin.write(`${JSON.stringify({ hidden: r.hidden, window: r.window, batch: r.batch, threads: r.threads, repeats: r.repeats, budget_ms: r.budgetMs })}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
