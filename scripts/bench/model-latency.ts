// Inference latency of model.onnx files, interleaved round by round (load on a shared machine falls on all alike):
// µs per session.run of one batch of windows, CPU, 1 thread. For "did the inference model get slower":
//   npx tsx scripts/bench/model-latency.ts before/model.onnx after/model.onnx [--batch 350] [--rounds 9]
import * as ort from 'onnxruntime-node';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { markdownTable } from './format.ts';
import { median } from './stats.ts';

const args = await yargs(hideBin(process.argv))
  .scriptName('model-latency')
  .strict()
  .demandCommand(1)
  .option('batch', { type: 'number', default: 350 })
  .option('rounds', { type: 'number', default: 9 })
  .option('runs', { type: 'number', default: 200, describe: 'session.run calls per round' })
  .parseAsync();
const files = args._.map(String);
const sessions = await Promise.all(files.map((f) => ort.InferenceSession.create(f, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' })));
const feeds = sessions.map((s) => {
  const meta = s.inputMetadata[0]!;
  if (!meta.isTensor) throw new Error(`${s.inputNames[0]}: not a tensor input`);
  const dims = meta.shape.map((d, i) => (i === 0 ? args.batch : typeof d === 'number' ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  return { [s.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => Math.sin(i / 17)), dims) };
});
const us = files.map(() => [] as number[]);
for (let i = 0; i < files.length; i++) for (let r = 0; r < 20; r++) await sessions[i]!.run(feeds[i]!); // warm-up
for (let round = 0; round < args.rounds; round++) {
  const order = files.map((_, i) => (round % 2 ? files.length - 1 - i : i));
  for (const i of order) {
    const t0 = performance.now();
    for (let r = 0; r < args.runs; r++) await sessions[i]!.run(feeds[i]!);
    us[i]!.push(((performance.now() - t0) * 1000) / args.runs);
  }
}
await Promise.all(sessions.map((s) => s.release()));
console.log(`batch ${args.batch}, ${args.rounds} rounds of ${args.runs} runs, medians\n`);
console.log(markdownTable(['model', 'µs per run', 'vs first'], files.map((f, i) => [f, median(us[i]!).toFixed(1), (median(us[i]!) / median(us[0]!)).toFixed(3)])));
