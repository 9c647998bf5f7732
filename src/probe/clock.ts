// One clock for the whole probe. Monitors stamp what they observe with a monotonic reading (a `Stamp`,
// so wall-clock adjustments cannot reorder them); only the timeline turns stamps into milliseconds
// since t0, the instant `POST /configure` is sent. Observations made before t0 (the initial Kubernetes
// list) get negative times.

declare const stampBrand: unique symbol;

/** A monotonic clock reading in ms. Only differences between stamps mean anything; never a time since t0. */
export type Stamp = number & { readonly [stampBrand]: true };

export interface ProbeClock {
  /** The current monotonic reading. */
  now(): Stamp;
  /** Declares the current instant t0. */
  markT0(): void;
  /** The t0 stamp, or null before markT0. */
  readonly t0: Stamp | null;
  /** Epoch ms (wall clock) of t0, or null before markT0. */
  readonly t0Wall: number | null;
  /** ms since t0 of a stamp, to the microsecond. Before t0 is marked, relative to the clock's creation. */
  sinceT0(stamp: Stamp): number;
  /**
   * The stamp of a wall-clock instant (epoch ms, e.g. a kubelet's log timestamp), through the relation
   * between the two clocks taken at t0 (at the clock's creation before t0).
   */
  stampOfWall(epochMs: number): Stamp;
  /** Wall-clock time of t0 (of the clock's creation before t0), ISO-8601, for labels only. */
  startedAt(): string;
}

export function createProbeClock(monotonic: () => number = () => performance.now(), wall: () => number = () => Date.now()): ProbeClock {
  const created = monotonic() as Stamp;
  const createdWall = wall();
  let t0: Stamp | null = null;
  let t0Wall: number | null = null;
  return {
    now: () => monotonic() as Stamp,
    markT0() {
      t0 = monotonic() as Stamp;
      t0Wall = wall();
    },
    get t0() {
      return t0;
    },
    get t0Wall() {
      return t0Wall;
    },
    sinceT0: (stamp) => Math.round((stamp - (t0 ?? created)) * 1000) / 1000,
    stampOfWall: (epochMs) => ((t0 ?? created) + (epochMs - (t0Wall ?? createdWall))) as Stamp,
    startedAt: () => new Date(t0Wall ?? createdWall).toISOString(),
  };
}
