// The run's single record: observations in arrival order, with listeners for live views. Monitors
// emit stamped facts; this is the one place a stamp becomes ms since t0. Facts stamped before t0 wait
// for it (they then get negative times), so the timeline never mixes two time bases.
import type { ProbeClock } from './clock';
import type { Observation, StampedObservation } from './model';

export class Timeline {
  private readonly items: Observation[] = [];
  private readonly listeners = new Set<(o: Observation) => void>();
  private readonly beforeT0: StampedObservation[] = [];

  constructor(private readonly clock: ProbeClock) {}

  /** Records what a monitor emitted. */
  record(stamped: StampedObservation): void {
    if (this.clock.t0 === null) this.beforeT0.push(stamped);
    else this.append(stamped);
  }

  /** Marks t0 on the clock and records what waited for it. */
  markT0(): void {
    if (this.clock.t0 !== null) return;
    this.clock.markT0();
    for (const stamped of this.beforeT0.splice(0)) this.append(stamped);
  }

  /** Calls `listener` for every later observation; returns the unsubscribe function. */
  subscribe(listener: (o: Observation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get observations(): readonly Observation[] {
    return this.items;
  }

  private append(stamped: StampedObservation): void {
    const { at, ...fact } = stamped;
    const o = { ...fact, atMs: this.clock.sinceT0(at) } as Observation;
    this.items.push(o);
    for (const listener of this.listeners) listener(o);
  }
}
