// Progress of a sweep, the same for every backend: jobs done, running and failed of the total, and an ETA from
// the pace so far.

export interface SweepProgress {
  total: number;
  done: number;
  failed: number;
  running: number;
  /** Seconds left at the pace so far; null until a job has finished. */
  eta: number | null;
}

export function progressOf(counts: Omit<SweepProgress, 'eta'>, startedAt: number, now = performance.now()): SweepProgress {
  const finished = counts.done + counts.failed;
  const eta = finished > 0 ? ((now - startedAt) / 1000 / finished) * (counts.total - finished) : null;
  return { ...counts, eta };
}
