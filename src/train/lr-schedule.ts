// The learning rate of each session run: constant, cosine-annealed over the run's epochs, or halved when the
// monitored loss (validation, else training) has not improved for a while. The train step takes the rate as an
// input, so the schedule is the trainer's alone.
import type { LrSchedule } from './presets.ts';

/** Plateau: the rate halves after this share of the patience without improvement, and never goes below base/100. */
const PLATEAU_SHARE = 0.25;
const PLATEAU_FACTOR = 0.5;
const PLATEAU_FLOOR = 0.01;

/** What a checkpoint keeps of a schedule. */
export interface ScheduleState {
  lr: number;
  /** The epoch of the last improvement or cut. */
  since: number;
}

export class LearningRate {
  private state: ScheduleState;

  constructor(
    private readonly kind: LrSchedule,
    private readonly base: number,
    private readonly epochs: number,
    /** Epochs without improvement before a plateau cut. */
    private readonly wait: number,
    saved?: ScheduleState,
  ) {
    this.state = saved ?? { lr: base, since: 0 };
  }

  static plateauWait(patience: number, evalEvery: number): number {
    return Math.max(evalEvery, Math.round(patience * PLATEAU_SHARE) || 10 * evalEvery);
  }

  /** The rate for the epochs that start after `epoch` epochs. */
  at(epoch: number): number {
    if (this.kind === 'cosine') return this.base * 0.5 * (1 + Math.cos((Math.PI * Math.min(epoch, this.epochs)) / Math.max(1, this.epochs)));
    return this.kind === 'plateau' ? this.state.lr : this.base;
  }

  /** An evaluation after `epoch` epochs: whether the monitored loss improved. */
  observe(epoch: number, improved: boolean): void {
    if (improved) this.state = { ...this.state, since: epoch };
    else if (this.kind === 'plateau' && epoch - this.state.since >= this.wait) {
      this.state = { lr: Math.max(this.base * PLATEAU_FLOOR, this.state.lr * PLATEAU_FACTOR), since: epoch };
    }
  }

  saved(): ScheduleState {
    return { ...this.state };
  }
}
