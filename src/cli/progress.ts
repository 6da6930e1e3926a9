// Training progress: a one-line bar redrawn in place on a terminal, plain lines (every few percent) otherwise.
import type { EpochReport } from '../train/trainer.ts';

const fmt = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : v < 0.01 ? v.toExponential(3) : v.toFixed(4));

export function progressPrinter(stream: NodeJS.WriteStream, quiet: boolean): { epoch(e: EpochReport): void; done(): void } {
  const tty = !!stream.isTTY;
  let lastPct = -1;
  return {
    epoch(e) {
      if (quiet) return;
      const pct = Math.floor((100 * e.epoch) / e.epochs);
      const eta = ((e.epochs - e.epoch) * e.seconds) / Math.max(e.epoch, 1);
      const text = `epoch ${e.epoch}/${e.epochs}  loss ${fmt(e.trainLoss)}  val ${fmt(e.valLoss)}  test ${fmt(e.testLoss)}  best ${e.bestEpoch}  lr ${e.lr.toPrecision(2)}  ${e.stepsPerSecond.toFixed(0)} steps/s  ETA ${eta.toFixed(1)}s`;
      if (tty) {
        const width = 24, filled = Math.round((width * e.epoch) / e.epochs);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
      } else if (pct >= lastPct + 10 || e.epoch === e.epochs) {
        lastPct = pct;
        stream.write(`${text}\n`);
      }
    },
    done() {
      if (tty && !quiet) stream.write('\n');
    },
  };
}
