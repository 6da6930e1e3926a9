// The machine a result was measured on, recorded beside every table.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  onnxruntime: string;
  tfjs: string;
  torch: string | null;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews timings. */
  loadAtStart: number;
  date: string;
  /** The ingraph commit measured, with '+changes' when src/ differs from it; null outside a git checkout. */
  commit: string | null;
}

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;

/** /proc/cpuinfo's model name (os.cpus() can be vaguer in VMs), else os.cpus()'s. */
function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function commit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src') ? '+changes' : ''}`;
  } catch {
    return null;
  }
}

export function machine(torch: string | null): Machine {
  return {
    cpu: cpuModel(), cores: os.availableParallelism(), memoryGb: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version, onnxruntime: versionOf('onnxruntime-node'), tfjs: versionOf('@tensorflow/tfjs'), torch,
    platform: `${os.platform()} ${os.arch()}`, loadAtStart: +os.loadavg()[0]!.toFixed(2), date: new Date().toISOString(), commit: commit(),
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; ${m.platform}; Node ${m.node}; onnxruntime-node ${m.onnxruntime}; ` +
    `@tensorflow/tfjs ${m.tfjs} (cpu backend); PyTorch ${m.torch ?? 'not available'}; load average ${m.loadAtStart} at start; ${m.date}; ` +
    `ingraph ${m.commit ?? 'commit unknown'}`;
}
