// One clock for the whole probe. Monitors stamp observations with a monotonic reading (so wall-clock
// adjustments cannot reorder them); the run converts stamps to milliseconds since t0, the instant
// `POST /configure` is sent. Observations made before t0 (the initial Kubernetes list) get negative times.

export interface ProbeClock {
  /** A monotonic reading in ms; only differences between readings mean anything. */
  stamp(): number;
  /** Declares the current instant t0. */
  markT0(): void;
  /** The t0 stamp, or null before markT0. */
  readonly t0: number | null;
  /** ms since t0 of a stamp, to the microsecond. Before t0 is marked, relative to the clock's creation. */
  sinceT0(stamp: number): number;
  /** Wall-clock time of t0 (of the clock's creation before t0), ISO-8601, for labels only. */
  startedAt(): string;
}

export function createProbeClock(monotonic: () => number = () => performance.now()): ProbeClock {
  const created = monotonic();
  let t0: number | null = null;
  let originWall = Date.now();
  return {
    stamp: monotonic,
    markT0() {
      t0 = monotonic();
      originWall = Date.now();
    },
    get t0() {
      return t0;
    },
    sinceT0: (stamp) => Math.round((stamp - (t0 ?? created)) * 1000) / 1000,
    startedAt: () => new Date(originWall).toISOString(),
  };
}
