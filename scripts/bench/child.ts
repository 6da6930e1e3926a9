// Each contender trains in its own child process, so that its peak resident memory is its own and one framework's
// warm caches never help another. A child prints its result as one line `BENCH_RESULT {json}` on stdout.
import { spawn, spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';

const MARK = 'BENCH_RESULT ';

/** One training run's figures, as every contender reports them. */
export interface RunResult {
  /** Seconds of the timed training loop (extrapolated to the whole workload when `extrapolated`). */
  train_seconds: number;
  ms_per_step: number;
  /** CPU time (user + system, all threads) per step: less sensitive than wall time to other work on the machine. */
  cpu_ms_per_step: number;
  steps_per_second: number;
  /** Optimizer steps actually run in the timed loop. */
  steps: number;
  /** Test MSE after the run; NaN when the run stopped before the last epoch (budgeted runs). */
  test_mse: number;
  peak_rss_mb: number;
  extrapolated: boolean;
  /** Seconds from the child process's start to its report: imports, graph build, warm-up, training. */
  process_seconds: number;
  note?: string;
}

/** Writes the result line; NaN travels as null, since JSON has no NaN. */
export function report(r: RunResult): void {
  process.stdout.write(`${MARK}${JSON.stringify(r)}\n`);
}

export function parseReport(stdout: string): RunResult | null {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(MARK));
  if (!line) return null;
  const raw = JSON.parse(line.slice(MARK.length)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(raw)) if (v === null) raw[k] = NaN;
  return raw as unknown as RunResult;
}

/** Peak resident set size of this Node process in MB (getrusage's ru_maxrss, which Node gives in KB). */
/** CPU milliseconds (user + system) since `since`, a process.cpuUsage() reading. */
export const cpuMsSince = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

export class ChildError extends Error {
  override name = 'ChildError';
}

/** Runs `cmd args` and returns its report; fails with the child's stderr tail when it gives none. */
export function runChild(cmd: string, args: readonly string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const r = parseReport(out);
      if (r && code === 0) return resolve(r);
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      reject(new ChildError(`${cmd} ${args[0] ?? ''}: ${why}, no result\n${err.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}

/** A TypeScript child run under the same Node with tsx's loader. */
export function nodeChild(script: string, job: unknown, timeoutMs: number): Promise<RunResult> {
  return runChild(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], timeoutMs);
}

const REPO = join(import.meta.dirname, '..', '..');
const BUILD = join(REPO, 'bench-results', '.build');

/** The Node contenders' children compiled to JavaScript (tsconfig.bench.json), as `npm install ingraph` ships
 *  the library: run under tsx's loader instead, every Node child's resident memory grows by ~40 MB of the loader's
 *  own (measured: the tutorial's peak 151 MB under tsx, 110 MB built), which is not the library's. Compiled once per
 *  bench run; returns the path of `script`'s JavaScript. */
export function compiledChild(script: string): string {
  if (!compiled) {
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.bench.json')], { cwd: REPO, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`compiling the benchmark's children (tsconfig.bench.json) failed:\n${r.stdout}${r.stderr}`);
    compiled = true;
  }
  return join(BUILD, relative(REPO, script).replace(/\.ts$/, '.js'));
}
let compiled = false;

/** A compiled child (compiledChild) run with plain Node. */
export function builtChild(script: string, job: unknown, timeoutMs: number): Promise<RunResult> {
  return runChild(process.execPath, [compiledChild(script), JSON.stringify(job)], timeoutMs);
}
