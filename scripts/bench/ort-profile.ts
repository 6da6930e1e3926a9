// Two measurements the bench scripts share: ONNX Runtime's own profile of a session, summed per op type, and the
// time of a session.run as the median of timed blocks.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { median } from './stats.ts';

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

export type KernelTimes = Map<string, { n: number; us: number }>;

/**
 * Nodes and kernel µs per optimizer step, by op type, from ONNX Runtime's profiler: a profiling session on `bytes`
 * with `options`, driven by `drive`, which returns how many optimizer steps it ran. The Loop node is left out (its
 * time spans its body's kernels).
 */
export async function kernelsPerStep(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions, drive: (s: ort.InferenceSession) => Promise<number>): Promise<KernelTimes> {
  const dir = mkdtempSync(join(tmpdir(), 'ingraph-prof-'));
  try {
    const s = await ort.InferenceSession.create(bytes, { ...options, enableProfiling: true, profileFilePrefix: join(dir, 'p') });
    const steps = await drive(s);
    s.endProfiling();
    await s.release();
    const events = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')) as ProfileEvent[];
    const by: KernelTimes = new Map();
    for (const e of events) {
      const op = e.args?.op_name;
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !op || op === 'Loop') continue;
      const r = by.get(op) ?? { n: 0, us: 0 };
      r.n += 1 / steps;
      r.us += e.dur / steps;
      by.set(op, r);
    }
    return by;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** µs per `session.run`: `warmup` runs, then the median of `blocks` timed blocks of `perBlock` runs. */
export async function timeRuns(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>, warmup: number, perBlock: number, blocks = 5): Promise<number> {
  for (let i = 0; i < warmup; i++) await s.run(feeds);
  const reps: number[] = [];
  for (let r = 0; r < blocks; r++) {
    const t0 = performance.now();
    for (let i = 0; i < perBlock; i++) await s.run(feeds);
    reps.push(((performance.now() - t0) * 1000) / perBlock);
  }
  return median(reps);
}
