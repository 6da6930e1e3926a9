// Summarises a `node --cpu-prof` profile: self time by where the code lives (ONNX Runtime's native run, the
// trainer, the data functions, Node internals, GC, idle), so the Node side of a training run can be read at a glance.
// Run: node --cpu-prof --cpu-prof-dir=DIR --import tsx scripts/bench/ingraph-run.ts '<job>'; then
//      npx tsx scripts/bench/cpuprof.ts DIR/<file>.cpuprofile
import { readFileSync } from 'node:fs';
import { fmt, markdownTable } from './format.ts';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
}

export function category(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting, e.g. on a session.run on another thread)';
  if (functionName === '(program)') return 'native code outside JS (V8, bindings)';
  // backend.js's run() calls the native session synchronously from a setImmediate callback on the main thread.
  if (url.includes('onnxruntime-node/dist/backend.js') && !functionName) return 'session.run: ONNX Runtime native (kernels, copies)';
  if (url.includes('onnxruntime')) return `onnxruntime-node JS (${functionName})`;
  if (!url && functionName) return `native: ${functionName}`;
  if (url.includes('/src/train/')) return 'src/train (trainer loop, feeds, eval, checkpoints)';
  if (url.includes('/src/')) return 'src (graph build, data, serialisation)';
  if (url.includes('node_modules')) return 'other dependencies (tsx, protobufjs, yargs)';
  if (url.startsWith('node:')) return 'Node internals (fs, modules)';
  return url ? 'other JS' : 'other';
}

export function selfTimeByCategory(p: CpuProfile): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const k = category(f.functionName, f.url);
    ms.set(k, (ms.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return ms;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const p = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CpuProfile;
  const ms = [...selfTimeByCategory(p)].sort((a, b) => b[1] - a[1]);
  const total = ms.reduce((a, [, v]) => a + v, 0);
  console.log(markdownTable(['where', 'self ms', 'share'], ms.map(([k, v]) => [k, fmt(v), `${((100 * v) / total).toFixed(1)}%`])));
  console.log(`\n${fmt(total)} ms sampled in all`);
}
